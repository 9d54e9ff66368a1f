using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch.NN;

/// <summary>
/// Batch norm whose training-mode statistics are those of the whole global batch of a
/// data-parallel job (docs/distributed.md, "Batch norm"), like PyTorch's SyncBatchNorm. It is a mode
/// of <see cref="BatchNorm2d"/>, not another layer: a converted network keeps its layers, parameter
/// and buffer names, so checkpoints, ONNX export, batch-norm folding and eval mode are unchanged and
/// a checkpoint moves freely between synchronised, per-process and single-process runs.
/// </summary>
public static class SyncBatchNorm
{
    /// <summary>
    /// Makes every <see cref="BatchNorm2d"/> in <paramref name="module"/> (descendants included)
    /// normalise with the statistics of all ranks of <paramref name="group"/> in training mode;
    /// null turns them back to this process's batch alone. Returns how many layers it set. With a
    /// group of one rank the layers behave exactly as before (no collective is made).
    /// </summary>
    public static int Convert(Module module, ProcessGroup? group)
    {
        var layers = module.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>().ToList();
        foreach (var layer in layers) layer.SyncGroup = group;
        return layers.Count;
    }

    /// <summary>
    /// Training-mode batch norm of <paramref name="input"/> [N, C, …] with the global batch's
    /// statistics: every rank's per-channel mean, biased variance and count are gathered over
    /// <paramref name="group"/> and combined (one collective forward, one backward, since the
    /// gradients of those statistics are all-reduced as well). Ranks may hold different N. The
    /// running statistics, when given, are updated in place with <paramref name="momentum"/> and the
    /// unbiased variance over the global count. Every rank must make the same calls in the same order.
    /// </summary>
    public static Tensor Normalize(ProcessGroup group, Tensor input, Tensor? runningMean, Tensor? runningVar,
        Tensor? weight = null, Tensor? bias = null, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(Native.sd_dist_sync_batch_norm(group.Handle, input.Handle, weight?.Handle ?? TensorHandle.Null,
            bias?.Handle ?? TensorHandle.Null, runningMean?.Handle ?? TensorHandle.Null, runningVar?.Handle ?? TensorHandle.Null,
            momentum, eps, out var h), h);
}
