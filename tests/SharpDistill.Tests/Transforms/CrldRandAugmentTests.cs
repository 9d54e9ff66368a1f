using SharpDistill.Data.Transforms;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

/// <summary>The random choices of CRLD's RandAugment (docs/augmentations.md steps 1–3).</summary>
public class CrldRandAugmentTests
{
    [Fact]
    public void DrawsTwoOpsWithReplacementFromAllFourteenWithMagnitudesInRange()
    {
        var ra = new CrldRandAugment();
        var rng = new Random(1);
        var counts = new Dictionary<string, int>();
        int repeats = 0;
        const int draws = 7000;
        for (int i = 0; i < draws; i++)
        {
            var d = ra.Draw(32, 32, rng);
            Assert.Equal(2, d.Ops.Count);
            foreach (var (op, magnitude) in d.Ops)
            {
                Assert.InRange(magnitude, op.Low, op.High);
                Assert.True(magnitude < op.High || op.Low == op.High);
                counts[op.Name] = counts.GetValueOrDefault(op.Name) + 1;
            }
            if (d.Ops[0].Op == d.Ops[1].Op) repeats++;
            Assert.InRange(d.CutoutFraction, 0.0, 0.5);
            Assert.InRange(d.CutoutCentreX, 1.0, 32.0);
            Assert.InRange(d.CutoutCentreY, 1.0, 32.0);
        }
        Assert.Equal(14, counts.Count);
        // Uniform choice: 1000 picks per op expected; with replacement, 1/14 of pairs repeat (500).
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150));
        Assert.InRange(repeats, 400, 600);
    }

    [Fact]
    public void MagnitudesSpanTheWholeContinuousRange()
    {
        var ra = new CrldRandAugment(opCount: 1);
        var rng = new Random(2);
        var rotations = Enumerable.Range(0, 20000).Select(_ => ra.Draw(32, 32, rng).Ops[0])
            .Where(o => o.Op.Name == "Rotate").Select(o => o.Magnitude).ToArray();
        Assert.InRange(rotations.Min(), -30.0, -29.0);
        Assert.InRange(rotations.Max(), 29.0, 30.0);
        Assert.True(rotations.Distinct().Count() > rotations.Length * 0.99); // continuous, not quantised
    }

    [Fact]
    public void SameSeedGivesIdenticalOutputAndDifferentSeedsDiffer()
    {
        var ra = new CrldRandAugment();
        var img = Noise(32, 32, 3, seed: 3);
        var a = ra.Apply(img, new Random(42));
        var b = ra.Apply(img, new Random(42));
        Assert.Equal(a.Pixels, b.Pixels);
        int distinct = Enumerable.Range(0, 20).Select(s => Convert.ToBase64String(ra.Apply(img, new Random(s)).Pixels)).Distinct().Count();
        Assert.True(distinct >= 18, $"only {distinct} distinct outputs from 20 seeds");
    }

    [Fact]
    public void ApplyIsTheDrawnOpsInOrderThenCutout()
    {
        var ra = new CrldRandAugment();
        var img = Noise(32, 32, 3, seed: 4);
        for (int seed = 0; seed < 50; seed++)
        {
            var draw = ra.Draw(32, 32, new Random(seed));
            var expected = draw.Ops[1].Op.Apply(draw.Ops[0].Op.Apply(img, draw.Ops[0].Magnitude), draw.Ops[1].Magnitude);
            if (draw.CutoutFraction > 0)
                expected = Cutout.Paint(expected, draw.CutoutCentreX, draw.CutoutCentreY, draw.CutoutFraction * 32);
            Assert.Equal(expected.Pixels, ra.Apply(img, new Random(seed)).Pixels);
        }
    }

    [Fact]
    public void StrongAugmentationAlwaysEndsWithCutout()
    {
        // With the Identity op drawn twice the only change is the grey square.
        var img = new SharpDistill.Data.ByteImage(32, 32, 3);
        var identity = AugmentOp.ByName("Identity");
        var draw = new RandAugmentDraw(new[] { (identity, 0.3), (identity, 0.9) }, 0.25, 16, 16);
        var output = CrldRandAugment.Execute(img, draw);
        int painted = Enumerable.Range(0, 32 * 32).Count(i => output.Pixels[3 * i] == 125);
        Assert.Equal(9 * 9, painted); // s = 8 → columns 12..20 and rows 12..20 inclusive
    }

    [Fact]
    public void WorksOnGrayImagesAndWithOtherOpCounts()
    {
        var gray = Noise(28, 28, 1, seed: 5);
        var output = new CrldRandAugment().Apply(gray, new Random(6));
        Assert.Equal((28, 28, 1), (output.Width, output.Height, output.Channels));
        Assert.Empty(new CrldRandAugment(opCount: 0).Draw(28, 28, new Random(7)).Ops);
        Assert.Equal(5, new CrldRandAugment(opCount: 5).Draw(28, 28, new Random(7)).Ops.Count);
        Assert.Throws<ArgumentException>(() => new CrldRandAugment(opCount: -1));
    }
}
