namespace SharpDistill.Models;

/// <summary>Which reference definitions a model name refers to.</summary>
public enum ModelFamily
{
    /// <summary>The CIFAR zoo (RepDistiller / mdistiller <c>models/cifar</c>), also used for Tiny-ImageNet and Fashion-MNIST.</summary>
    Cifar,

    /// <summary>The ImageNet zoo (mdistiller <c>models/imagenet</c>: torchvision-layout ResNets, MobileNetV1).</summary>
    ImageNet,
}

/// <summary>How a model's classifier head pools the final feature map.</summary>
public enum ModelVariant
{
    /// <summary>
    /// The reference definition at its native resolution: the CIFAR models pool with a fixed kernel
    /// that covers the final map of a 32×32 input (8×8, 4×4 or 2×2), the ImageNet models that of a
    /// 224×224 input (7×7). Any other final map size is an error rather than a partial pooling.
    /// </summary>
    Standard,

    /// <summary>
    /// The Tiny-ImageNet CNNs: the same CIFAR definitions with global average pooling over whatever the
    /// final map is (a 64-pixel input gives e.g. 16×16), 200 classes by default. Works at any input
    /// size, so it also suits 28-pixel Fashion-MNIST. CIFAR family only.
    /// </summary>
    TinyImageNet,
}

/// <summary>
/// Construction options of a zoo model.
/// </summary>
/// <param name="NumClasses">Classifier outputs; null means the benchmark's own: 100 (CIFAR), 200 (Tiny-ImageNet variant), 1000 (ImageNet).</param>
/// <param name="InChannels">Input image channels: 3, or 1 for Fashion-MNIST.</param>
/// <param name="Variant">Classifier pooling; see <see cref="ModelVariant"/>.</param>
public sealed record ModelOptions(int? NumClasses = null, int InChannels = 3, ModelVariant Variant = ModelVariant.Standard)
{
    /// <summary>The number of classes for a model of <paramref name="family"/> with these options.</summary>
    public int ResolveNumClasses(ModelFamily family) =>
        NumClasses ?? (family, Variant) switch
        {
            (ModelFamily.ImageNet, _) => 1000,
            (_, ModelVariant.TinyImageNet) => 200,
            _ => 100,
        };

    /// <summary>Throws when the options make no sense for <paramref name="family"/>.</summary>
    public void Validate(ModelFamily family)
    {
        if (NumClasses is { } n && n < 1) throw new ArgumentOutOfRangeException(nameof(NumClasses), n, "the number of classes must be at least 1");
        if (InChannels < 1) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, "the number of input channels must be at least 1");
        if (!Enum.IsDefined(Variant)) throw new ArgumentOutOfRangeException(nameof(Variant), Variant, "unknown model variant");
        if (family == ModelFamily.ImageNet && Variant != ModelVariant.Standard)
            throw new ArgumentException($"the {Variant} variant applies to CIFAR-family models only; ImageNet models use {ModelVariant.Standard}");
    }
}
