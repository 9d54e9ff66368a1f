using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

/// <summary>Crops, flips and resizes against torchvision's rules.</summary>
public class GeometryTransformTests
{
    /// <summary>The image zero-padded on every side, built independently of Crop.Region.</summary>
    private static ByteImage ZeroPadded(ByteImage img, int p)
    {
        var padded = new ByteImage(img.Width + 2 * p, img.Height + 2 * p, img.Channels);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                for (int c = 0; c < img.Channels; c++)
                    padded[x + p, y + p, c] = img[x, y, c];
        return padded;
    }

    private static bool WindowEquals(ByteImage big, int top, int left, ByteImage crop)
    {
        for (int y = 0; y < crop.Height; y++)
            for (int x = 0; x < crop.Width; x++)
                for (int c = 0; c < crop.Channels; c++)
                    if (big[left + x, top + y, c] != crop[x, y, c]) return false;
        return true;
    }

    [Theory]
    [InlineData(32, 4, 3)]
    [InlineData(28, 4, 1)]
    public void RandomCropIsAUniformWindowOfTheZeroPaddedImage(int size, int padding, int channels)
    {
        var img = Noise(size, size, channels, seed: size);
        var padded = ZeroPadded(img, padding);
        var crop = new RandomCrop(size, padding);
        var rng = new Random(1);
        int positions = 2 * padding + 1;
        var seen = new int[positions, positions];
        for (int i = 0; i < 2000; i++)
        {
            var output = crop.Apply(img, rng);
            Assert.Equal((size, size, channels), (output.Width, output.Height, output.Channels));
            var matches = new List<(int, int)>();
            for (int top = 0; top < positions; top++)
                for (int left = 0; left < positions; left++)
                    if (WindowEquals(padded, top, left, output)) matches.Add((top, left));
            var (t, l) = Assert.Single(matches);
            seen[t, l]++;
        }
        // All (2p+1)² offsets occur, each roughly equally often.
        double expected = 2000.0 / (positions * positions);
        foreach (var count in seen) Assert.InRange(count, expected * 0.3, expected * 2.0);
    }

    [Fact]
    public void RandomCropOfTheWholeImageDrawsNothing()
    {
        var img = Noise(10, 6, 3, seed: 2);
        var rng = new Random(3);
        var output = new RandomCrop(6, 10, padding: 0).Apply(img, rng);
        Assert.Equal(img.Pixels, output.Pixels);
        Assert.Equal(new Random(3).Next(), rng.Next()); // the stream was not advanced
    }

    [Fact]
    public void RandomCropRejectsACropLargerThanThePaddedImage()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomCrop(40, 2).Apply(Noise(32, 32, 3, 4), new Random(1)));
        Assert.Contains("40x40", e.Message);
        Assert.Contains("36x36", e.Message);
        Assert.Throws<ArgumentException>(() => new RandomCrop(0, 1));
        Assert.Throws<ArgumentException>(() => new RandomCrop(8, -1));
    }

    [Fact]
    public void CropRegionOutsideTheImageIsBlack()
    {
        var img = FromValues(2, 2, 1, 1, 2, 3, 4);
        var region = Crop.Region(img, -1, -1, 3, 4);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0 }, region.Pixels);
        Assert.All(Crop.Region(img, 5, 5, 2, 2).Pixels, v => Assert.Equal(0, v));
    }

    [Fact]
    public void HorizontalFlipMirrorsColumnsAndFlipsAboutHalfTheTime()
    {
        var img = FromValues(3, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Assert.Equal(new byte[] { 7, 8, 9, 4, 5, 6, 1, 2, 3 }, Crop.FlipHorizontal(img).Pixels);
        Assert.Equal(img.Pixels, new RandomHorizontalFlip(0).Apply(img, new Random(1)).Pixels);
        Assert.Equal(Crop.FlipHorizontal(img).Pixels, new RandomHorizontalFlip(1).Apply(img, new Random(1)).Pixels);
        var flip = new RandomHorizontalFlip();
        var rng = new Random(2);
        int flipped = Enumerable.Range(0, 4000).Count(_ => flip.Apply(img, rng).Pixels[0] == 7);
        Assert.InRange(flipped, 1800, 2200);
        Assert.Throws<ArgumentException>(() => new RandomHorizontalFlip(1.5));
    }

    [Fact]
    public void CenterCropRoundsHalfToEvenAndPadsSmallImages()
    {
        var img = new ByteImage(5, 5, 1);
        for (int i = 0; i < 25; i++) img.Pixels[i] = (byte)i;
        // top = left = round(1.5) = 2
        Assert.Equal(new byte[] { 12, 13, 17, 18 }, CenterCrop.Center(img, 2, 2).Pixels);
        var seven = new ByteImage(7, 7, 1);
        for (int i = 0; i < 49; i++) seven.Pixels[i] = (byte)i;
        // top = left = round(2.5) = 2 (Python rounds half to even)
        Assert.Equal(new byte[] { 16, 17, 23, 24 }, CenterCrop.Center(seven, 2, 2).Pixels);
        // 2x2 into 5 wide x 4 tall: pad left (5−2)//2 = 1, top (4−2)//2 = 1.
        var small = FromValues(2, 2, 1, 1, 2, 3, 4);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0 },
            new CenterCrop(4, 5).Apply(small, new Random(1)).Pixels);
    }

    [Theory]
    [InlineData(500, 375, 341, 256)]
    [InlineData(375, 500, 256, 341)]
    [InlineData(256, 256, 256, 256)]
    [InlineData(300, 299, 256, 256)] // int(256·300/299) = 256
    public void ResizeShorterSideKeepsTheAspectRatioTruncated(int w, int h, int ow, int oh)
    {
        Assert.Equal((ow, oh), Resize.ShorterSide(256).OutputSize(w, h));
    }

    [Fact]
    public void ImageNetEvaluationGives224Squares()
    {
        var eval = ViewPipelines.ImageNetEval();
        foreach (var (w, h) in new[] { (300, 200), (180, 260), (256, 256) })
        {
            var output = eval.Apply(Noise(w, h, 3, seed: w), new Random(1));
            Assert.Equal((224, 224, 3), (output.Width, output.Height, output.Channels));
        }
        // Resize then centre crop equals the two steps done by hand.
        var img = Noise(300, 200, 3, seed: 5);
        var byHand = CenterCrop.Center(PilResize.Bilinear(img, 384, 256), 224, 224);
        Assert.Equal(byHand.Pixels, eval.Apply(img, new Random(1)).Pixels);
    }

    [Fact]
    public void RandomResizedCropWindowsAreInsideAndWithinScaleAndRatio()
    {
        var rrc = new RandomResizedCrop(224);
        var rng = new Random(4);
        for (int i = 0; i < 2000; i++)
        {
            var (top, left, h, w) = rrc.SampleWindow(400, 300, rng);
            Assert.InRange(top, 0, 300 - h);
            Assert.InRange(left, 0, 400 - w);
            Assert.InRange(h, 1, 300);
            Assert.InRange(w, 1, 400);
            double area = (double)w * h / (400 * 300), ratio = (double)w / h;
            // w and h are rounded to integers, so allow a little slack on both bounds.
            Assert.InRange(area, 0.07, 1.0);
            Assert.InRange(ratio, 0.7, 1.4);
        }
    }

    [Fact]
    public void RandomResizedCropFallsBackToTheClampedCentralCrop()
    {
        // A scale range above 1 never fits, so all ten attempts fail.
        var impossible = new RandomResizedCrop(16, minScale: 1.5, maxScale: 2.0);
        // Wide image (ratio 2 > 4/3): h = 50, w = round(50·4/3) = 67, centred.
        Assert.Equal((0, 16, 50, 67), impossible.SampleWindow(100, 50, new Random(1)));
        // Tall image (ratio 0.5 < 3/4): w = 50, h = round(50/(3/4)) = 67.
        Assert.Equal((16, 0, 67, 50), impossible.SampleWindow(50, 100, new Random(1)));
        // Ratio within range: the whole image.
        Assert.Equal((0, 0, 90, 100), impossible.SampleWindow(100, 90, new Random(1)));
    }

    [Fact]
    public void RandomResizedCropOutputIsTheResizedWindow()
    {
        var rrc = new RandomResizedCrop(32);
        foreach (int channels in new[] { 1, 3 })
        {
            var img = Noise(64, 48, channels, seed: channels);
            var output = rrc.Apply(img, new Random(9));
            var (top, left, h, w) = rrc.SampleWindow(64, 48, new Random(9));
            var expected = PilResize.Bilinear(Crop.Region(img, top, left, h, w), 32, 32);
            Assert.Equal(expected.Pixels, output.Pixels);
            Assert.Equal((32, 32, channels), (output.Width, output.Height, output.Channels));
        }
        Assert.Throws<ArgumentException>(() => new RandomResizedCrop(224, minScale: 0.5, maxScale: 0.2));
    }
}
