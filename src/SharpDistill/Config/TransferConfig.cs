namespace SharpDistill.Config;

/// <summary>What batch norm in the frozen backbone does while a linear probe trains (docs/transfer.md).</summary>
public enum ProbeBatchNorm
{
    /// <summary>
    /// The reference transfer script's behaviour (the default, for reproduction): the backbone runs in
    /// training mode, so batch norm normalises with batch statistics and its running statistics adapt
    /// to the new data; its affine weights stay frozen like every other backbone parameter.
    /// </summary>
    Train,

    /// <summary>A strict linear probe: the backbone stays in eval mode, running statistics untouched.</summary>
    Frozen,
}

/// <summary>
/// The linear-probe protocol of `sharpdistill transfer` (CRD's, which DCD inherits): a new linear
/// classifier on the frozen student's pooled feature. The solver recipe (SGD 0.05, 120 epochs, ×0.1 at
/// 30/60/90) is applied by the verb as defaults under the user's config; these keys are the rest.
/// </summary>
public sealed class TransferConfig
{
    /// <summary>The student to probe: a SharpDistill checkpoint written by train or distill.</summary>
    public string Checkpoint { get; set; } = "";
    /// <summary>train (the reference's behaviour, default) or frozen (a strict probe).</summary>
    public ProbeBatchNorm BatchNorm { get; set; } = ProbeBatchNorm.Train;
    /// <summary>Every image is resized to image_size × image_size (the protocol's 32, the CIFAR students' input).</summary>
    public int ImageSize { get; set; } = 32;
}
