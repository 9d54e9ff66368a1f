using SharpDistill.Export;
using SharpDistill.Torch;

namespace SharpDistill.Predict;

/// <summary>Runs an opened checkpoint's eval-mode network on a flat input batch.</summary>
public static class TorchLogits
{
    /// <summary>Logits [N, classes] flattened, for <paramref name="count"/> images in <paramref name="batch"/>.</summary>
    public static float[] Run(ServableCheckpoint checkpoint, float[] batch, int count)
    {
        var spec = checkpoint.Spec;
        using var input = Tensor.FromArray(batch, count, spec.Channels, spec.InputSize, spec.InputSize);
        using var _ = Autograd.NoGrad();
        using var logits = checkpoint.Network.ForwardLogits(input);
        return logits.ToArray<float>();
    }
}
