using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

public class PilResizeTests
{
    [Fact]
    public void MatchesPillowBilinearExactly()
    {
        foreach (var c in PilResizeFixture.Cases)
        {
            var input = new ByteImage(c.Width, c.Height, c.Channels, Convert.FromBase64String(c.Input));
            var expected = Convert.FromBase64String(c.Output);
            var actual = PilResize.Bilinear(input, c.OutWidth, c.OutHeight);
            Assert.Equal((c.OutWidth, c.OutHeight, c.Channels), (actual.Width, actual.Height, actual.Channels));
            int wrong = expected.Where((v, i) => v != actual.Pixels[i]).Count();
            Assert.True(wrong == 0, $"{c.Width}x{c.Height}x{c.Channels} -> {c.OutWidth}x{c.OutHeight}: {wrong} values differ from Pillow");
        }
    }

    [Fact]
    public void SameSizeIsACopyAndAConstantImageStaysConstant()
    {
        var img = Noise(9, 7, 3, seed: 1);
        var same = PilResize.Bilinear(img, 9, 7);
        Assert.NotSame(img, same);
        Assert.Equal(img.Pixels, same.Pixels);
        var flat = new ByteImage(13, 11, 1, Enumerable.Repeat((byte)77, 143).ToArray());
        Assert.All(PilResize.Bilinear(flat, 5, 30).Pixels, v => Assert.Equal(77, v));
    }

    [Fact]
    public void RejectsNonPositiveSizes()
    {
        Assert.Throws<ArgumentException>(() => PilResize.Bilinear(Noise(4, 4, 3, 2), 0, 4));
        Assert.Throws<ArgumentException>(() => Resize.ShorterSide(0));
        Assert.Throws<ArgumentException>(() => Resize.To(3, -1));
    }
}
