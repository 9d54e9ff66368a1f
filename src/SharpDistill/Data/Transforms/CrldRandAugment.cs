namespace SharpDistill.Data.Transforms;

/// <summary>
/// The random part of one strong view: which ops ran with which magnitudes, and the Cutout square.
/// <see cref="CutoutFraction"/> ≤ 0 means no Cutout (then the centre is NaN, nothing was drawn).
/// </summary>
public sealed record RandAugmentDraw(
    IReadOnlyList<(AugmentOp Op, double Magnitude)> Ops,
    double CutoutFraction,
    double CutoutCentreX,
    double CutoutCentreY);

/// <summary>
/// CRLD's RandAugment variant (docs/augmentations.md, the inline class constructed as
/// <c>RandAugment(2, 10)</c>, whose m is unused): draw <see cref="OpCount"/> ops uniformly with
/// replacement from the 14-op table, give each a fresh continuous magnitude
/// v = low + (high − low)·U, apply them all (no sign flip, no apply probability), then always apply
/// Cutout with fraction f = 0.5·U. Random draws happen in the original's order: op choices, then
/// each magnitude, then the Cutout fraction, then its centre x and y.
/// </summary>
public sealed class CrldRandAugment : IImageTransform
{
    public const double MaxCutoutFraction = 0.5;

    public CrldRandAugment(int opCount = 2)
    {
        if (opCount < 0) throw new ArgumentException($"RandAugment op count must be >= 0, got {opCount}");
        OpCount = opCount;
    }

    public int OpCount { get; }

    public IReadOnlyList<AugmentOp> Table => AugmentOp.CrldTable;

    /// <summary>Draws everything random for an image of the given size, without touching pixels.</summary>
    public RandAugmentDraw Draw(int width, int height, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var table = Table;
        var chosen = new AugmentOp[OpCount];
        // random.choices(k=n): table[floor(U·len)] for each pick, all picks before any magnitude.
        for (int i = 0; i < OpCount; i++) chosen[i] = table[(int)(rng.NextDouble() * table.Count)];
        var ops = new (AugmentOp, double)[OpCount];
        for (int i = 0; i < OpCount; i++)
            ops[i] = (chosen[i], chosen[i].Low + (chosen[i].High - chosen[i].Low) * rng.NextDouble());
        double fraction = rng.NextDouble() * MaxCutoutFraction;
        double cx = double.NaN, cy = double.NaN;
        if (fraction > 0)
        {
            cx = Cutout.DrawCentre(width, rng);
            cy = Cutout.DrawCentre(height, rng);
        }
        return new RandAugmentDraw(ops, fraction, cx, cy);
    }

    /// <summary>Applies a previous <see cref="Draw"/> to an image.</summary>
    public static ByteImage Execute(ByteImage image, RandAugmentDraw draw)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(draw);
        var current = image;
        foreach (var (op, magnitude) in draw.Ops) current = op.Apply(current, magnitude);
        if (draw.CutoutFraction > 0)
            current = Cutout.Paint(current, draw.CutoutCentreX, draw.CutoutCentreY, draw.CutoutFraction * image.Width);
        return ReferenceEquals(current, image) ? image.Clone() : current;
    }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Execute(image, Draw(image.Width, image.Height, rng));
    }
}
