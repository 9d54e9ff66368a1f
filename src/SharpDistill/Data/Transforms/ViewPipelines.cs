namespace SharpDistill.Data.Transforms;

/// <summary>The weak and strong pipelines of one dataset.</summary>
public sealed record ViewPair(WeakView Weak, StrongView Strong)
{
    /// <summary>
    /// Both views of one image: weak first, then strong, from the same random source, as the
    /// original dataset's <c>__getitem__</c> does.
    /// </summary>
    public (ByteImage Weak, ByteImage Strong) Apply(ByteImage image, Random rng) =>
        (Weak.Apply(image, rng), Strong.Apply(image, rng));
}

/// <summary>
/// The training-time view pipelines of CRLD's datasets (docs/augmentations.md), and the ImageNet
/// evaluation transform. Every pipeline ends at a ByteImage; ToTensor and Normalize follow in the
/// data loader.
/// </summary>
public static class ViewPipelines
{
    /// <summary>CIFAR-100 (32×32): RandomCrop(32, padding 4) + flip; strong adds RandAugment(2).</summary>
    public static ViewPair Cifar() => Padded(32, 4);

    /// <summary>Tiny-ImageNet (64×64): RandomCrop(64, padding 8) + flip; strong adds RandAugment(2).</summary>
    public static ViewPair TinyImageNet() => Padded(64, 8);

    /// <summary>
    /// Fashion-MNIST (28×28, grayscale). Not in CRLD's code; SharpDistill's choice is the CIFAR
    /// recipe scaled to the image: RandomCrop(28, padding 4) + flip, strong adds RandAugment(2)
    /// with the grayscale op semantics of <see cref="AugmentOps"/> and Cutout fill 123.
    /// </summary>
    public static ViewPair FashionMnist() => Padded(28, 4);

    /// <summary>ImageNet (224): RandomResizedCrop(224) (torchvision defaults) + flip; strong adds RandAugment(2).</summary>
    public static ViewPair ImageNet(int size = 224) =>
        new(new WeakView(new RandomResizedCrop(size)), new StrongView(new RandomResizedCrop(size), new CrldRandAugment(2)));

    /// <summary>ImageNet evaluation: Resize(256) on the shorter side, then CenterCrop(224).</summary>
    public static Compose ImageNetEval(int resize = 256, int crop = 224) =>
        new(Resize.ShorterSide(resize), new CenterCrop(crop));

    /// <summary>Weak and strong views built on RandomCrop(size, padding).</summary>
    public static ViewPair Padded(int size, int padding) =>
        new(new WeakView(new RandomCrop(size, padding)), new StrongView(new RandomCrop(size, padding), new CrldRandAugment(2)));
}
