namespace SharpDistill.Config;

/// <summary>
/// How a data-parallel job (`sharpdistill launch`, or torchrun's environment variables) trains;
/// docs/distributed.md. A single-process run accepts these keys and ignores them, so one config
/// serves both.
/// </summary>
public sealed class DistributedConfig
{
    /// <summary>
    /// Batch norm layers of the student and of the trainable extra modules normalise with the
    /// statistics of the whole global batch (all ranks) in training mode, instead of each rank's
    /// own batch_size / world size samples; the frozen teacher and eval mode are unchanged.
    /// </summary>
    public bool SyncBatchNorm { get; set; } = false;
}
