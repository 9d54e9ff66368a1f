using System.Diagnostics;
using SharpDistill.Data;
using SharpDistill.Data.Transforms;

namespace SharpDistill.Benchmarks;

/// <summary>One loader configuration's throughput.</summary>
/// <param name="Workers">Loader worker threads.</param>
/// <param name="Images">Source images pushed through (each yields every view).</param>
/// <param name="ImagesPerSecond">Images per second, all workers together.</param>
/// <param name="ImagesPerSecondPerWorker">The same divided by the worker count.</param>
public sealed record PipelineMeasurement(int Workers, int Images, double Seconds, double ImagesPerSecond, double ImagesPerSecondPerWorker);

/// <summary>The data pipeline's throughput with one worker thread and with several.</summary>
/// <param name="Views">Views made of every image (CRLD: weak and strong).</param>
public sealed record PipelineResult(string Transform, int Views, int BatchSize, PipelineMeasurement SingleWorker, PipelineMeasurement MultiWorker);

/// <summary>
/// Times CRLD's two-view training transform (docs/augmentations.md: weak crop + flip; strong crop + flip +
/// RandAugment + Cutout; both ToTensor + Normalize) through the real <see cref="DataLoader"/>, with
/// its batching into tensors, over an <see cref="InMemoryDataset"/> of random 8-bit images, so no
/// file reading or decoding is timed.
/// </summary>
public static class PipelineBenchmark
{
    private const int WarmupImages = 256;

    public static PipelineResult Run(int samples, int imageSize, int batchSize, int workers, ulong seed)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "needs at least one sample");
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "needs at least one worker");
        var dataset = RandomImages(samples, imageSize, seed);
        var transform = CrldTransform(imageSize);

        // Warm-up on the calling thread: enough images that every one of the 14 RandAugment ops is
        // drawn many times, so the timed epochs run tiered-up code, not the JIT's first tier.
        var warmup = new DataLoader(dataset, transform, new DataLoaderOptions { BatchSize = batchSize, Seed = seed });
        var warmupBatches = (Math.Min(samples, WarmupImages) + batchSize - 1) / batchSize;
        foreach (var batch in warmup.Epoch(0).Take(warmupBatches)) batch.Dispose();

        var single = Measure(dataset, transform, batchSize, 1, seed);
        var multi = Measure(dataset, transform, batchSize, workers, seed);
        var description = imageSize == 32
            ? "CIFAR two-view: weak RandomCrop(32, 4)+flip, strong RandomCrop(32, 4)+flip+RandAugment(2)+Cutout, ToTensor+Normalize"
            : $"two-view: weak RandomCrop({imageSize}, {imageSize / 8})+flip, strong the same + RandAugment(2)+Cutout, ToTensor+Normalize";
        return new PipelineResult(description, transform.ViewCount, batchSize, single, multi);
    }

    /// <summary>The CIFAR views of docs/augmentations.md (scaled to the image side, padding side/8, when it is not 32).</summary>
    public static MultiViewTransform CrldTransform(int imageSize)
    {
        var pair = imageSize == 32 ? ViewPipelines.Cifar() : ViewPipelines.Padded(imageSize, imageSize / 8);
        return new MultiViewTransform(new ImagePipeline(Normalize.Cifar100, pair.Weak), new ImagePipeline(Normalize.Cifar100, pair.Strong));
    }

    /// <summary>Random RGB images with random labels; the content does not matter for speed, only the size.</summary>
    public static InMemoryDataset RandomImages(int count, int imageSize, ulong seed, int numClasses = 100)
    {
        var random = new Random(unchecked((int)seed));
        var images = new ByteImage[count];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var pixels = new byte[imageSize * imageSize * 3];
            random.NextBytes(pixels);
            images[i] = new ByteImage(imageSize, imageSize, 3, pixels);
            labels[i] = random.Next(numClasses);
        }
        return new InMemoryDataset("bench/random", images, labels, numClasses);
    }

    private static PipelineMeasurement Measure(IDataset dataset, ISampleTransform transform, int batchSize, int workers, ulong seed)
    {
        var loader = new DataLoader(dataset, transform, new DataLoaderOptions { BatchSize = batchSize, Seed = seed, Workers = workers });
        var images = 0;
        var start = Stopwatch.GetTimestamp();
        foreach (var batch in loader.Epoch(1))
            using (batch)
                images += batch.Size;
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var perSecond = images / seconds;
        return new PipelineMeasurement(workers, images, seconds, perSecond, perSecond / workers);
    }
}
