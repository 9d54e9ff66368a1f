using SharpDistill.Torch.NN;

namespace SharpDistill.Models;

/// <summary>The weight initialisations of the reference models (applied after construction).</summary>
internal static class ModelInit
{
    /// <summary>
    /// Every conv weight ~ N(0, √(2/n)) with n = k·k·out_channels, biases 0. This is
    /// kaiming_normal_(mode="fan_out", nonlinearity="relu") (CIFAR ResNets) and equally the
    /// <c>normal_(0, sqrt(2/n))</c> of the WRN, VGG, MobileNetV2 and ImageNet ResNet code.
    /// </summary>
    public static void ConvsNormalFanOut(Module model)
    {
        foreach (var conv in Of<Conv2d>(model))
        {
            Init.KaimingNormal_(conv.Weight, Init.FanMode.FanOut, "relu");
            if (conv.Bias is not null) Init.Zeros_(conv.Bias);
        }
    }

    /// <summary>Every Linear weight ~ N(0, <paramref name="std"/>), biases 0 (VGG, MobileNetV2).</summary>
    public static void LinearsNormal(Module model, double std)
    {
        foreach (var linear in Of<Linear>(model))
        {
            Init.Normal_(linear.Weight, 0, std);
            if (linear.Bias is not null) Init.Zeros_(linear.Bias);
        }
    }

    /// <summary>Every Linear bias 0, weights left at PyTorch's default (WRN).</summary>
    public static void LinearBiasesZero(Module model)
    {
        foreach (var linear in Of<Linear>(model))
            if (linear.Bias is not null) Init.Zeros_(linear.Bias);
    }

    // BN γ = 1, β = 0 is what BatchNorm2d is created with, so no model needs to set it again.

    private static IEnumerable<T> Of<T>(Module model) where T : Module =>
        model.NamedModules().Select(m => m.Value).OfType<T>();
}
