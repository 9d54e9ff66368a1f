namespace SharpDistill.Data.Transforms;

/// <summary>
/// One entry of CRLD's RandAugment op table: a name, the magnitude range [Low, High) its
/// magnitude is drawn from, and the op itself.
/// </summary>
public sealed record AugmentOp(string Name, double Low, double High, Func<ByteImage, double, ByteImage> Apply)
{
    /// <summary>The 14 ops in the order of CRLD's <c>augment_list()</c>, with their ranges (docs/augmentations.md).</summary>
    public static IReadOnlyList<AugmentOp> CrldTable { get; } = new AugmentOp[]
    {
        new("AutoContrast", 0, 1, AugmentOps.AutoContrast),
        new("Brightness", 0.05, 0.95, AugmentOps.Brightness),
        new("Color", 0.05, 0.95, AugmentOps.Color),
        new("Contrast", 0.05, 0.95, AugmentOps.Contrast),
        new("Equalize", 0, 1, AugmentOps.Equalize),
        new("Identity", 0, 1, AugmentOps.Identity),
        new("Posterize", 4, 8, AugmentOps.Posterize),
        new("Rotate", -30, 30, AugmentOps.Rotate),
        new("Sharpness", 0.05, 0.95, AugmentOps.Sharpness),
        new("ShearX", -0.3, 0.3, AugmentOps.ShearX),
        new("ShearY", -0.3, 0.3, AugmentOps.ShearY),
        new("Solarize", 0, 256, AugmentOps.Solarize),
        new("TranslateX", -0.3, 0.3, AugmentOps.TranslateX),
        new("TranslateY", -0.3, 0.3, AugmentOps.TranslateY),
    };

    /// <summary>The op of <see cref="CrldTable"/> with this name (case-sensitive).</summary>
    public static AugmentOp ByName(string name)
    {
        foreach (var op in CrldTable)
            if (op.Name == name) return op;
        throw new ArgumentException(
            $"unknown augmentation op '{name}'; valid ops: {string.Join(", ", CrldTable.Select(o => o.Name))}");
    }
}
