using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

/// <summary>Cutout against the rules of docs/augmentations.md (there are no reference vectors for it).</summary>
public class CutoutTests
{
    private static readonly byte[] Fill = { 125, 123, 114 };

    /// <summary>Asserts that exactly columns x0..x1 and rows y0..y1 (inclusive) were painted.</summary>
    private static void AssertPainted(ByteImage before, ByteImage after, int x0, int y0, int x1, int y1)
    {
        for (int y = 0; y < before.Height; y++)
            for (int x = 0; x < before.Width; x++)
            {
                bool inside = x >= x0 && x <= x1 && y >= y0 && y <= y1;
                var expected = inside ? (before.Channels == 3 ? Fill : new byte[] { 123 }) : At(before, x, y);
                Assert.True(expected.SequenceEqual(At(after, x, y)), $"pixel ({x}, {y}) {(inside ? "should" : "should not")} be painted");
            }
    }

    [Fact]
    public void RectangleHasTruncatedInclusiveCorners()
    {
        // x0 = int(10 − 2.6) = 7, x1 = 7 + 5.2 = 12.2 → 12; y0 = int(9.4) = 9, y1 = 14.2 → 14.
        var img = Noise(32, 32, 3, seed: 1);
        AssertPainted(img, Cutout.Paint(img, 10, 12, 5.2), 7, 9, 12, 14);
        Assert.Equal((7, 9, 12, 14), Cutout.Rectangle(32, 32, 10, 12, 5.2));
    }

    [Fact]
    public void SideBelowOnePaintsOnePixel()
    {
        var img = Noise(32, 32, 3, seed: 2);
        AssertPainted(img, Cutout.Paint(img, 5.3, 6.9, 0.4), 5, 6, 5, 6);
    }

    [Fact]
    public void RectangleIsClippedToTheImage()
    {
        var img = Noise(32, 32, 3, seed: 3);
        // Centre at the far corner: x0 = y0 = 24, x1 = y1 = min(32, 40) → clipped to 31.
        AssertPainted(img, Cutout.Paint(img, 32, 32, 16), 24, 24, 31, 31);
        // Centre near the origin: x0 = max(0, −7) = 0, x1 = 16, painted inclusively: 17 columns.
        AssertPainted(img, Cutout.Paint(img, 1, 1, 16), 0, 0, 16, 16);
    }

    [Fact]
    public void SideUsesTheWidthForBothAxesOnNonSquareImages()
    {
        var img = Noise(40, 10, 3, seed: 4);
        // s = 0.25 · 40 = 10 rows tall too, clipped by the height.
        AssertPainted(img, Cutout.Paint(img, 20, 5, 10), 15, 0, 25, 9);
    }

    [Fact]
    public void GrayImagesAreFilledWithTheFillsLuminance()
    {
        Assert.Equal(123, Cutout.GrayFill);
        var img = Noise(28, 28, 1, seed: 5);
        AssertPainted(img, Cutout.Paint(img, 14, 14, 4), 12, 12, 16, 16);
    }

    [Fact]
    public void CentreIsDrawnInOneToSizeLikeNumpyUniformOfOneArgument()
    {
        var rng = new Random(6);
        var draws = Enumerable.Range(0, 20000).Select(_ => Cutout.DrawCentre(32, rng)).ToArray();
        Assert.All(draws, d => Assert.InRange(d, 1.0, 32.0));
        Assert.True(draws.All(d => d > 1.0));
        Assert.InRange(draws.Min(), 1.0, 1.1);
        Assert.InRange(draws.Max(), 31.9, 32.0);
        Assert.InRange(draws.Average(), 16.5 - 0.3, 16.5 + 0.3);
    }

    [Fact]
    public void ApplyPaintsASquareOfFractionTimesWidth()
    {
        var img = new ByteImage(32, 32, 3);
        for (int seed = 0; seed < 200; seed++)
        {
            var output = Cutout.Apply(img, 0.25, new Random(seed)); // s = 8
            var rng = new Random(seed);
            double cx = Cutout.DrawCentre(32, rng), cy = Cutout.DrawCentre(32, rng);
            var (x0, y0, x1, y1) = Cutout.Rectangle(32, 32, cx, cy, 8);
            AssertPainted(img, output, x0, y0, x1, y1);
            Assert.InRange(x1 - x0 + 1, 4, 9); // up to ⌊s⌋ + 1 columns; at least half when clipped
        }
    }

    [Fact]
    public void NonPositiveFractionPaintsNothingAndNaNIsRejected()
    {
        var img = Noise(8, 8, 3, seed: 7);
        Assert.Equal(img.Pixels, Cutout.Apply(img, 0, new Random(1)).Pixels);
        Assert.Equal(img.Pixels, Cutout.Apply(img, -0.2, new Random(1)).Pixels);
        Assert.Equal(img.Pixels, Cutout.Paint(img, 4, 4, -1).Pixels);
        Assert.Throws<ArgumentException>(() => Cutout.Apply(img, double.NaN, new Random(1)));
        Assert.Throws<ArgumentException>(() => Cutout.Paint(img, double.NaN, 4, 2));
    }
}
