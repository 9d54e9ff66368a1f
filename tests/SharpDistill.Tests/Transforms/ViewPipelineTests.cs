using System.Diagnostics;
using SharpDistill.Data.Transforms;
using Xunit.Abstractions;
using static SharpDistill.Tests.Transforms.TestImages;

namespace SharpDistill.Tests.Transforms;

public class ViewPipelineTests
{
    private readonly ITestOutputHelper _output;

    public ViewPipelineTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, int, int, int, int> Datasets => new()
    {
        // name, input width, input height, channels, output side
        { "cifar", 32, 32, 3, 32 },
        { "tiny", 64, 64, 3, 64 },
        { "fashion", 28, 28, 1, 28 },
        { "imagenet", 320, 240, 3, 224 },
    };

    private static ViewPair Pipelines(string name) => name switch
    {
        "cifar" => ViewPipelines.Cifar(),
        "tiny" => ViewPipelines.TinyImageNet(),
        "fashion" => ViewPipelines.FashionMnist(),
        "imagenet" => ViewPipelines.ImageNet(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void ViewsHaveTheTrainingSizeAndAreReproducible(string name, int w, int h, int channels, int side)
    {
        var views = Pipelines(name);
        var img = Noise(w, h, channels, seed: w);
        var (weak, strong) = views.Apply(img, new Random(5));
        Assert.Equal((side, side, channels), (weak.Width, weak.Height, weak.Channels));
        Assert.Equal((side, side, channels), (strong.Width, strong.Height, strong.Channels));
        var (weak2, strong2) = views.Apply(img, new Random(5));
        Assert.Equal(weak.Pixels, weak2.Pixels);
        Assert.Equal(strong.Pixels, strong2.Pixels);
        Assert.NotEqual(weak.Pixels, strong.Pixels);
    }

    [Fact]
    public void PairDrawsWeakFirstThenStrongFromOneStream()
    {
        var views = ViewPipelines.Cifar();
        var img = Noise(32, 32, 3, seed: 1);
        var rng = new Random(7);
        var weak = views.Weak.Apply(img, rng);
        var strong = views.Strong.Apply(img, rng);
        var pair = views.Apply(img, new Random(7));
        Assert.Equal(weak.Pixels, pair.Weak.Pixels);
        Assert.Equal(strong.Pixels, pair.Strong.Pixels);
    }

    [Fact]
    public void StrongViewIsCropFlipThenRandAugment()
    {
        var views = ViewPipelines.Cifar();
        Assert.Collection(views.Strong.Steps,
            s => Assert.Equal(4, Assert.IsType<RandomCrop>(s).Padding),
            s => Assert.Equal(0.5, Assert.IsType<RandomHorizontalFlip>(s).Probability),
            s => Assert.Equal(2, Assert.IsType<CrldRandAugment>(s).OpCount));
        Assert.Collection(views.Weak.Steps,
            s => Assert.Equal(32, Assert.IsType<RandomCrop>(s).Width),
            s => Assert.IsType<RandomHorizontalFlip>(s));
        Assert.Equal(8, Assert.IsType<RandomCrop>(ViewPipelines.TinyImageNet().Weak.Crop).Padding);
        Assert.Equal(224, Assert.IsType<RandomResizedCrop>(ViewPipelines.ImageNet().Strong.Crop).Size);
        // Composition by hand gives the same image.
        var img = Noise(32, 32, 3, seed: 2);
        var rng = new Random(3);
        var byHand = views.Strong.RandAugment.Apply(views.Strong.Steps[1].Apply(views.Strong.Crop.Apply(img, rng), rng), rng);
        Assert.Equal(byHand.Pixels, views.Strong.Apply(img, new Random(3)).Pixels);
    }

    [Fact]
    public void ComposeRejectsNullSteps()
    {
        Assert.Throws<ArgumentNullException>(() => new Compose(new RandomHorizontalFlip(), null!));
    }

    /// <summary>
    /// Throughput of the CIFAR weak + strong pair on one thread, printed. The CI machine is small
    /// and shared, so the bound is on process CPU time (not wall time) and deliberately loose: it
    /// catches an accidental per-pixel allocation or a quadratic loop, not a 20 % regression.
    /// </summary>
    [Fact]
    public void CifarViewPairThroughput()
    {
        var views = ViewPipelines.Cifar();
        var images = Enumerable.Range(0, 64).Select(i => Noise(32, 32, 3, seed: i)).ToArray();
        var rng = new Random(1);
        for (int i = 0; i < 500; i++) views.Apply(images[i % 64], rng); // warm up the JIT
        const int n = 5000;
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) views.Apply(images[i % 64], rng);
        sw.Stop();
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
        double wallRate = n / sw.Elapsed.TotalSeconds, cpuRate = n / Math.Max(cpuSeconds, 1e-3);
        _output.WriteLine($"CIFAR weak+strong view pairs, one thread: {wallRate:F0}/s wall, {cpuRate:F0}/s of CPU time");
        Assert.True(cpuRate > 500, $"only {cpuRate:F0} view pairs per CPU-second");
    }
}
