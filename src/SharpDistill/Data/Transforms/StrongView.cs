namespace SharpDistill.Data.Transforms;

/// <summary>
/// CRLD's strong view: its own random crop and flip (independent draws from the weak view's),
/// then <see cref="CrldRandAugment"/> (two random ops, then Cutout) on the 8-bit image.
/// </summary>
public sealed class StrongView : Compose
{
    public StrongView(IImageTransform crop, CrldRandAugment randAugment)
        : base(crop, new RandomHorizontalFlip(0.5), randAugment)
    {
        Crop = crop;
        RandAugment = randAugment;
    }

    public IImageTransform Crop { get; }
    public CrldRandAugment RandAugment { get; }
}
