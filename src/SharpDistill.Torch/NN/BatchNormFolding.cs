namespace SharpDistill.Torch.NN;

/// <summary>
/// Folds eval-mode batch norms into the convolutions that feed them: BN(conv(x)) with running
/// statistics is conv(x)·s + t per channel, s = γ/√(var + ε), t = β − mean·s, so scaling the
/// convolution's weight by s and giving it the bias t computes the same values, up to float
/// rounding, with one layer fewer. For frozen (inference-only) models such as a distillation teacher.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>
    /// Folds every batch norm of <paramref name="model"/> that directly reads a convolution's output
    /// which nothing else uses (see <see cref="NoteOtherUse"/>), as one probe forward pass (<paramref name="probe"/>, run by this method in eval mode without
    /// gradients) shows the model's layers chained. A batch norm that reads anything else (a sum, an
    /// activation) stays as it is. The model is put in eval mode and cannot train afterwards. Returns
    /// how many pairs were folded.
    /// </summary>
    public static int Fold(Module model, Action probe)
    {
        model.Eval();
        IReadOnlyList<(Conv2d Conv, BatchNorm2d Norm)> pairs;
        using (Autograd.NoGrad())
            pairs = ConvBatchNormTrace.Record(() =>
            {
                using var scope = new TensorScope();
                probe();
            }).FoldablePairs();
        foreach (var (conv, norm) in pairs) FoldPair(conv, norm);
        return pairs.Count;
    }

    /// <summary>
    /// Declares that a model uses <paramref name="tensor"/> besides passing it to the next layer (it
    /// hands it out as a feature, or adds it to a residual sum): a batch norm that reads it must not
    /// be folded into the convolution that produced it, or that other use would see the folded
    /// values. A no-op outside a folding probe.
    /// </summary>
    public static void NoteOtherUse(Tensor tensor) => ConvBatchNormTrace.Current?.UsedElsewhere(tensor);

    private static void FoldPair(Conv2d conv, BatchNorm2d norm)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        // The per-channel factors in double precision, so the folded weights are as close to the
        // exact product as float32 can hold.
        var variance = norm.RunningVar.To(DType.Float64);
        var mean = norm.RunningMean.To(DType.Float64);
        var inverseStd = (variance + norm.Eps).Rsqrt();
        var scale = norm.Weight is null ? inverseStd : norm.Weight.To(DType.Float64) * inverseStd;
        var shift = -(mean * scale);
        if (norm.Bias is not null) shift = shift + norm.Bias.To(DType.Float64);
        conv.FoldAffine(scale, shift);
        norm.MarkFolded();
    }
}
