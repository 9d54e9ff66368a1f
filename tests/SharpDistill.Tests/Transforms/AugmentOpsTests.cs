using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

/// <summary>
/// Hand-computed checks of each op's PIL semantics (docs/augmentations.md), for RGB and grayscale. The
/// bit-exact comparison with Pillow is AugmentConformanceTests.
/// </summary>
public class AugmentOpsTests
{
    [Fact]
    public void LuminanceIsPilsRoundedWeightedSum()
    {
        Assert.Equal(124, AugmentOps.Luminance(200, 100, 50)); // 0.299·200 + 0.587·100 + 0.114·50 = 124.4
        Assert.Equal(255, AugmentOps.Luminance(255, 255, 255));
        Assert.Equal(123, AugmentOps.Luminance(125, 123, 114));
    }

    [Fact]
    public void BrightnessScalesAndTruncates()
    {
        var rgb = AugmentOps.Brightness(FromValues(1, 1, 3, 201, 10, 255), 0.5);
        Assert.Equal(new byte[] { 100, 5, 127 }, rgb.Pixels);
        var gray = AugmentOps.Brightness(FromValues(2, 1, 1, 201, 3), 0.5);
        Assert.Equal(new byte[] { 100, 1 }, gray.Pixels);
    }

    [Fact]
    public void BrightnessAboveOneClampsLikePil()
    {
        var img = AugmentOps.Brightness(FromValues(2, 1, 1, 200, 100), 1.5);
        Assert.Equal(new byte[] { 255, 150 }, img.Pixels);
    }

    [Fact]
    public void ColorBlendsTowardsLuminanceAndIsIdentityOnGray()
    {
        // L(200, 100, 50) = 124; 124 + 0.5·(p − 124) truncated.
        Assert.Equal(new byte[] { 162, 112, 87 }, AugmentOps.Color(FromValues(1, 1, 3, 200, 100, 50), 0.5).Pixels);
        var gray = Noise(5, 4, 1, seed: 1);
        Assert.Equal(gray.Pixels, AugmentOps.Color(gray, 0.05).Pixels);
    }

    [Fact]
    public void ContrastBlendsWithTheRoundedMean()
    {
        // mean 135 exactly: 135 ± 0.5·35 → 117.5, 152.5, stored truncated.
        Assert.Equal(new byte[] { 117, 152 }, AugmentOps.Contrast(FromValues(2, 1, 1, 100, 170), 0.5).Pixels);
        // mean 135.5 rounds half up to 136: 136 − 18 = 118, 136 + 17.5 = 153.5 → 153.
        Assert.Equal(new byte[] { 118, 153 }, AugmentOps.Contrast(FromValues(2, 1, 1, 100, 171), 0.5).Pixels);
        // RGB: the mean is over the luminance; one grey pixel (L = 124) and black.
        var rgb = AugmentOps.Contrast(FromValues(2, 1, 3, 200, 100, 50, 0, 0, 0), 0.0);
        Assert.All(rgb.Pixels, v => Assert.Equal(62, v));
    }

    [Fact]
    public void SharpnessBlendsWithSmoothedInteriorAndKeepsTheBorder()
    {
        // Centre smoothed: 5·130/13 = 50 (+0.5 rounding → 50); blend 50 + 0.5·(130 − 50) = 90.
        var img = FromValues(3, 3, 1, 0, 0, 0, 0, 130, 0, 0, 0, 0);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 90, 0, 0, 0, 0 }, AugmentOps.Sharpness(img, 0.5).Pixels);
        var noise = Noise(6, 5, 3, seed: 2);
        var sharp = AugmentOps.Sharpness(noise, 0.05);
        for (int x = 0; x < 6; x++)
        {
            Assert.Equal(At(noise, x, 0), At(sharp, x, 0));
            Assert.Equal(At(noise, x, 4), At(sharp, x, 4));
        }
        for (int y = 0; y < 5; y++)
        {
            Assert.Equal(At(noise, 0, y), At(sharp, 0, y));
            Assert.Equal(At(noise, 5, y), At(sharp, 5, y));
        }
    }

    [Fact]
    public void AutoContrastStretchesEachChannelAndLeavesFlatChannels()
    {
        Assert.Equal(new byte[] { 0, 127, 255 }, AugmentOps.AutoContrast(FromValues(3, 1, 1, 50, 100, 150), 0).Pixels);
        // Channel 0 is flat (unchanged), channel 1 spans 10..20, channel 2 already spans 0..255.
        var img = FromValues(2, 1, 3, 7, 10, 0, 7, 20, 255);
        Assert.Equal(new byte[] { 7, 0, 0, 7, 255, 255 }, AugmentOps.AutoContrast(img, 0).Pixels);
    }

    [Fact]
    public void EqualizeFollowsPilsStepRule()
    {
        // 1024 pixels: 256 × 0, 256 × 100, 512 × 200. step = (1024 − 512) // 255 = 2, n0 = 1:
        // lut[0] = 1 // 2 = 0, lut[100] = 257 // 2 = 128, lut[200] = min(255, 513 // 2).
        var values = Enumerable.Repeat(0, 256).Concat(Enumerable.Repeat(100, 256)).Concat(Enumerable.Repeat(200, 512)).ToArray();
        var eq = AugmentOps.Equalize(FromValues(32, 32, 1, values), 0);
        Assert.Equal(0, eq.Pixels[0]);
        Assert.Equal(128, eq.Pixels[300]);
        Assert.Equal(255, eq.Pixels[1000]);
        // One used bin, or a step of 0: unchanged.
        var flat = FromValues(4, 1, 1, 9, 9, 9, 9);
        Assert.Equal(flat.Pixels, AugmentOps.Equalize(flat, 0).Pixels);
        var few = FromValues(4, 1, 1, 1, 2, 3, 4);
        Assert.Equal(few.Pixels, AugmentOps.Equalize(few, 0).Pixels);
    }

    [Fact]
    public void PosterizeKeepsTheTopIntVBits()
    {
        var img = FromValues(3, 1, 1, 255, 7, 130);
        Assert.Equal(new byte[] { 248, 0, 128 }, AugmentOps.Posterize(img, 5.7).Pixels); // 5 bits
        Assert.Equal(new byte[] { 240, 0, 128 }, AugmentOps.Posterize(img, 4.0).Pixels);
        Assert.Equal(img.Pixels, AugmentOps.Posterize(img, 8.0).Pixels);
        Assert.Equal(new byte[] { 128, 0, 128 }, AugmentOps.Posterize(img, 0.5).Pixels); // max(1, 0) = 1 bit
    }

    [Fact]
    public void SolarizeInvertsValuesAtOrAboveTheThreshold()
    {
        var img = FromValues(4, 1, 1, 0, 100, 101, 255);
        Assert.Equal(new byte[] { 0, 100, 154, 0 }, AugmentOps.Solarize(img, 100.5).Pixels);
        Assert.Equal(new byte[] { 255, 155, 154, 0 }, AugmentOps.Solarize(img, 0).Pixels);
        Assert.Equal(img.Pixels, AugmentOps.Solarize(img, 256).Pixels);
    }

    [Fact]
    public void TranslateXMovesColumnsAsPillowDoes()
    {
        // Pillow (docs/augmentations.md, sampling at pixel centres): TranslateX by +1.6 px moves the pixel at column 3 to column 1 (floor(1.5 + 1.6) = 3).
        var img = ColumnIndexImage(32, 4);
        var shifted = AugmentOps.TranslateX(img, 1.6 / 32);
        for (int x = 0; x < 32; x++)
        {
            int source = (int)Math.Floor(x + 0.5 + 1.6);
            byte expected = source < 32 ? (byte)source : (byte)0;
            Assert.Equal(expected, shifted[x, 2, 0]);
        }
        Assert.Equal(3, shifted[1, 0, 0]);
    }

    [Fact]
    public void TranslateYUsesTheImageHeight()
    {
        var img = RowIndexImage(5, 20);
        var shifted = AugmentOps.TranslateY(img, -0.25); // −5 rows
        for (int y = 0; y < 20; y++)
            Assert.Equal(y >= 5 ? (byte)(y - 5) : (byte)0, shifted[2, y, 0]);
    }

    [Fact]
    public void ShearXSamplesXPlusVTimesY()
    {
        var img = Noise(16, 12, 3, seed: 3);
        const double v = 0.25; // exact in binary, so every sample position is unambiguous
        var sheared = AugmentOps.ShearX(img, v);
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 16; x++)
            {
                int sx = (int)Math.Floor(x + 0.5 + v * (y + 0.5));
                var expected = sx < 16 ? At(img, sx, y) : new byte[3];
                Assert.Equal(expected, At(sheared, x, y));
            }
    }

    [Fact]
    public void ShearYSamplesVTimesXPlusY()
    {
        var img = Noise(10, 16, 1, seed: 4);
        const double v = -0.125;
        var sheared = AugmentOps.ShearY(img, v);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 10; x++)
            {
                int sy = (int)Math.Floor(v * (x + 0.5) + y + 0.5);
                byte expected = sy >= 0 && sy < 16 ? img[x, sy, 0] : (byte)0;
                Assert.Equal(expected, sheared[x, y, 0]);
            }
    }

    [Fact]
    public void RotateSpecialAnglesAreExactTranspositions()
    {
        var img = Noise(7, 7, 3, seed: 5);
        Assert.Equal(img.Pixels, AugmentOps.Rotate(img, 0).Pixels);
        Assert.Equal(img.Pixels, AugmentOps.Rotate(img, 360).Pixels);
        var r180 = AugmentOps.Rotate(img, 180);
        var r90 = AugmentOps.Rotate(img, 90);
        var r270 = AugmentOps.Rotate(img, -90);
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 7; x++)
            {
                Assert.Equal(At(img, 6 - x, 6 - y), At(r180, x, y));
                Assert.Equal(At(img, 6 - y, x), At(r90, x, y)); // counter-clockwise: top-right → top-left
                Assert.Equal(At(img, y, 6 - x), At(r270, x, y));
            }
    }

    [Fact]
    public void RotateReducesTheAngleModulo360AndFillsCornersBlack()
    {
        var img = Noise(20, 20, 3, seed: 6);
        Assert.Equal(AugmentOps.Rotate(img, 330).Pixels, AugmentOps.Rotate(img, -30).Pixels);
        var rotated = AugmentOps.Rotate(img, 30);
        Assert.Equal(new byte[3], At(rotated, 0, 0)); // a corner leaves the image at 30°
        // The centre pixel stays put: (10.5, 10.5) maps to itself.
        Assert.Equal(At(img, 10, 10), At(rotated, 10, 10));
    }

    [Fact]
    public void RoundTo15DecimalsMatchesPython()
    {
        Assert.Equal(0.866025403784439, AugmentOps.RoundTo15Decimals(Math.Cos(Math.PI / 6)));
        Assert.Equal(-0.5, AugmentOps.RoundTo15Decimals(Math.Sin(-Math.PI / 6)));
        Assert.Equal(0.0, AugmentOps.RoundTo15Decimals(1e-17));
    }

    [Fact]
    public void EveryOpKeepsSizeChannelsAndInputForGrayAndRgb()
    {
        foreach (int channels in new[] { 1, 3 })
        {
            var img = Noise(13, 9, channels, seed: 7);
            var before = (byte[])img.Pixels.Clone();
            foreach (var op in AugmentOp.CrldTable)
            {
                var magnitude = op.Low + 0.37 * (op.High - op.Low);
                var output = op.Apply(img, magnitude);
                Assert.NotSame(img, output);
                Assert.NotSame(img.Pixels, output.Pixels);
                Assert.Equal((13, 9, channels), (output.Width, output.Height, output.Channels));
                Assert.Equal(before, img.Pixels);
            }
        }
    }

    [Fact]
    public void BadArgumentsGiveClearErrors()
    {
        var img = Noise(4, 4, 3, seed: 8);
        Assert.Throws<ArgumentNullException>(() => AugmentOps.Brightness(null!, 0.5));
        Assert.Contains("Rotate", Assert.Throws<ArgumentException>(() => AugmentOps.Rotate(img, double.NaN)).Message);
        Assert.Contains("Brightness", Assert.Throws<ArgumentException>(() => AugmentOps.Brightness(img, double.PositiveInfinity)).Message);
        var e = Assert.Throws<ArgumentException>(() => AugmentOp.ByName("Invert"));
        Assert.Contains("Invert", e.Message);
        Assert.Contains("TranslateY", e.Message);
    }

    [Fact]
    public void TheOpTableHasCrldsFourteenOpsAndRanges()
    {
        var table = AugmentOp.CrldTable;
        Assert.Equal(14, table.Count);
        Assert.Equal(14, table.Select(o => o.Name).Distinct().Count());
        Assert.Equal((0.05, 0.95), (AugmentOp.ByName("Sharpness").Low, AugmentOp.ByName("Sharpness").High));
        Assert.Equal((4.0, 8.0), (AugmentOp.ByName("Posterize").Low, AugmentOp.ByName("Posterize").High));
        Assert.Equal((-30.0, 30.0), (AugmentOp.ByName("Rotate").Low, AugmentOp.ByName("Rotate").High));
        Assert.Equal((0.0, 256.0), (AugmentOp.ByName("Solarize").Low, AugmentOp.ByName("Solarize").High));
        Assert.Equal((-0.3, 0.3), (AugmentOp.ByName("TranslateX").Low, AugmentOp.ByName("TranslateX").High));
    }

    private static ByteImage ColumnIndexImage(int width, int height)
    {
        var img = new ByteImage(width, height, 1);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) img[x, y, 0] = (byte)x;
        return img;
    }

    private static ByteImage RowIndexImage(int width, int height)
    {
        var img = new ByteImage(width, height, 1);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) img[x, y, 0] = (byte)y;
        return img;
    }
}
