namespace SharpDistill.Torch.NN;

/// <summary>
/// Batch normalisation over [N, C, H, W]. Training mode uses batch statistics and updates the
/// running mean/variance (momentum 0.1, unbiased variance); eval mode uses the running statistics.
/// γ = 1, β = 0 at creation. In a data-parallel job it can share its training-mode statistics
/// across the ranks (<see cref="SyncGroup"/>, <see cref="SyncBatchNorm"/>).
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = affine ? RegisterParameter("weight", Tensors.Ones(new[] { numFeatures })) : null;
        Bias = affine ? RegisterParameter("bias", Tensors.Zeros(new[] { numFeatures })) : null;
        RunningMean = RegisterBuffer("running_mean", Tensors.Zeros(new[] { numFeatures }));
        RunningVar = RegisterBuffer("running_var", Tensors.Ones(new[] { numFeatures }));
        // Kept for state-dict compatibility with PyTorch checkpoints.
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensors.Zeros(Array.Empty<long>(), DType.Int64));
    }

    public long NumFeatures { get; }
    public double Eps { get; }
    public double Momentum { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public Tensor NumBatchesTracked { get; }

    /// <summary>
    /// True once <see cref="BatchNormFolding"/> has moved this layer's eval-mode transform into the
    /// convolution before it: the layer then passes its input through unchanged and cannot train.
    /// </summary>
    public bool IsFolded { get; private set; }

    internal void MarkFolded() => IsFolded = true;

    /// <summary>
    /// The data-parallel group whose ranks share this layer's training-mode statistics
    /// (<see cref="SyncBatchNorm.Convert"/>); null: the statistics of this process's batch alone.
    /// Eval mode always uses the running statistics.
    /// </summary>
    public ProcessGroup? SyncGroup { get; internal set; }

    public override Module Train(bool mode = true)
    {
        if (mode && IsFolded)
            throw new InvalidOperationException("this batch norm is folded into its convolution (an inference form): it cannot train");
        return base.Train(mode);
    }

    public override Tensor Forward(Tensor input)
    {
        ConvBatchNormTrace.Current?.BatchNormConsumed(this, input);
        if (IsFolded) return input.Alias();
        if (input.Dim != 4)
            throw new TorchArgumentException($"BatchNorm2d expects a 4-D input [N, C, H, W], got {input.Dim}-D [{string.Join(", ", input.Shape)}]");
        // Counted whenever batch statistics update the running ones, inference mode included (as in
        // PyTorch), so the count always says how many updates the running statistics have seen.
        if (Training)
            using (Autograd.NoGrad())
                NumBatchesTracked.Add_(1);
        // A group of one rank has nothing to share: the plain path, bit for bit.
        if (Training && SyncGroup is { WorldSize: > 1 } group)
            return SyncBatchNorm.Normalize(group, input, RunningMean, RunningVar, Weight, Bias, Momentum, Eps);
        return F.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training, Momentum, Eps);
    }
}
