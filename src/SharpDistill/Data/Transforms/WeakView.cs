namespace SharpDistill.Data.Transforms;

/// <summary>
/// CRLD's weak view: a random crop (RandomCrop with padding, or RandomResizedCrop) followed by a
/// horizontal flip with probability 0.5 (docs/augmentations.md). Ends at a ByteImage;
/// ToTensor and Normalize come after it in the loader.
/// </summary>
public sealed class WeakView : Compose
{
    public WeakView(IImageTransform crop) : base(crop, new RandomHorizontalFlip(0.5))
    {
        Crop = crop;
    }

    public IImageTransform Crop { get; }
}
