using SharpDistill.Data;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Data;

public class DataLoaderTests
{
    private static InMemoryDataset Dataset(int count, int side = 4) =>
        new("toy", Enumerable.Range(0, count).Select(i => Images.Pattern(side, side, 3, i)).ToArray(),
            Enumerable.Range(0, count).Select(i => i % 3).ToArray(), numClasses: 3);

    /// <summary>A random crop-and-noise augmentation: every value depends on the draws.</summary>
    private sealed class RandomShiftAndNoise : IImageTransform
    {
        public ByteImage Apply(ByteImage image, Random random)
        {
            var shift = random.Next(image.Width);
            var output = new ByteImage(image.Width, image.Height, image.Channels);
            for (var y = 0; y < image.Height; y++)
                for (var x = 0; x < image.Width; x++)
                    for (var c = 0; c < image.Channels; c++)
                        output[x, y, c] = (byte)(image[(x + shift) % image.Width, y, c] + random.Next(16));
            return output;
        }
    }

    private static ImagePipeline Augment() => new(Normalize.Cifar100, new RandomShiftAndNoise());

    /// <summary>Every batch of an epoch as plain arrays (views, labels, indices), disposing the tensors.</summary>
    private static List<(float[][] Views, long[] Labels, int[] Indices)> Run(DataLoader loader, int epoch)
    {
        var batches = new List<(float[][], long[], int[])>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
                batches.Add((batch.Views.Select(v => v.ToArray<float>()).ToArray(), batch.Labels.ToArray<long>(), batch.Indices.ToArray()));
        return batches;
    }

    [Fact]
    public void Batches_are_float_nchw_views_and_int64_labels()
    {
        var ds = Dataset(5);
        var loader = new DataLoader(ds, new ImagePipeline(Normalize.Cifar100), new DataLoaderOptions { BatchSize = 2, Shuffle = false });
        var batches = loader.Epoch(0).ToList();
        try
        {
            Assert.Equal(3, loader.BatchesPerEpoch);
            Assert.Equal([2, 2, 1], batches.Select(b => b.Size));
            var first = batches[0];
            Assert.Equal([2L, 3, 4, 4], first.Images.Shape);
            Assert.Equal(DType.Float32, first.Images.DType);
            Assert.Equal([2L], first.Labels.Shape);
            Assert.Equal(DType.Int64, first.Labels.DType);
            Assert.Equal([0L, 1], first.Labels.ToArray<long>());
            Assert.Equal((0, 0), (first.Epoch, first.Number));
            // Sample 1 is the second image of the batch: its CHW values follow sample 0's.
            var expected = Normalize.Cifar100.Apply(ToTensor.Apply(ds.Get(1).Image)).Data;
            Assert.Equal(expected, first.Images.ToArray<float>()[48..]);
            Assert.Equal([4], batches[2].Indices);
            Assert.Equal([1L], batches[2].Labels.ToArray<long>());
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    [Fact]
    public void Drop_last_drops_only_the_partial_batch()
    {
        var ds = Dataset(10);
        var keep = new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 4, Seed = 3 });
        var drop = new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 4, Seed = 3, DropLast = true });
        Assert.Equal((3, 2), (keep.BatchesPerEpoch, drop.BatchesPerEpoch));
        var kept = Run(keep, 1);
        var dropped = Run(drop, 1);
        Assert.Equal([4, 4, 2], kept.Select(b => b.Indices.Length));
        Assert.Equal(Enumerable.Range(0, 10), kept.SelectMany(b => b.Indices).Order()); // each sample once
        Assert.Equal([4, 4], dropped.Select(b => b.Indices.Length));
        Assert.Equal(kept[0].Views[0], dropped[0].Views[0]); // dropping changes nothing else
        Assert.Equal(0, new DataLoader(Dataset(3), Augment(), new DataLoaderOptions { BatchSize = 4, DropLast = true }).BatchesPerEpoch);
        Assert.Equal(8, new DataLoader(Dataset(8), Augment(), new DataLoaderOptions { BatchSize = 4, DropLast = true }).BatchesPerEpoch * 4);
    }

    [Fact]
    public void Epoch_order_depends_only_on_seed_and_epoch()
    {
        var ds = Dataset(50);
        DataLoader Make(ulong seed, bool shuffle = true) => new(ds, Augment(), new DataLoaderOptions { Seed = seed, Shuffle = shuffle });
        Assert.Equal(Make(7).EpochOrder(3), Make(7).EpochOrder(3));
        Assert.NotEqual(Make(7).EpochOrder(3), Make(7).EpochOrder(4));
        Assert.NotEqual(Make(7).EpochOrder(3), Make(8).EpochOrder(3));
        Assert.Equal(Enumerable.Range(0, 50), Make(7).EpochOrder(3).Order());
        Assert.NotEqual(Enumerable.Range(0, 50), Make(7).EpochOrder(3));
        Assert.Equal(Enumerable.Range(0, 50), Make(7, shuffle: false).EpochOrder(3));
    }

    [Fact]
    public void Batches_are_identical_across_runs_and_worker_counts()
    {
        var ds = Dataset(23);
        var transform = new MultiViewTransform(Augment(), Augment());
        List<(float[][], long[], int[])> RunWith(int workers, int? prefetch = null) =>
            Run(new DataLoader(ds, transform, new DataLoaderOptions { BatchSize = 5, Seed = 11, Workers = workers, PrefetchBatches = prefetch }), 2);

        var reference = RunWith(0);
        foreach (var (workers, prefetch) in new (int, int?)[] { (0, null), (1, null), (3, null), (3, 1), (2, 7) })
        {
            var other = RunWith(workers, prefetch);
            Assert.Equal(reference.Count, other.Count);
            for (var b = 0; b < reference.Count; b++)
            {
                Assert.Equal(reference[b].Item3, other[b].Item3);
                Assert.Equal(reference[b].Item2, other[b].Item2);
                Assert.Equal(reference[b].Item1[0], other[b].Item1[0]);
                Assert.Equal(reference[b].Item1[1], other[b].Item1[1]);
            }
        }
    }

    [Fact]
    public void A_sample_is_augmented_by_seed_epoch_and_index_not_by_its_batch()
    {
        var ds = Dataset(12);
        static Dictionary<int, float[]> BySample(DataLoader loader, int epoch)
        {
            var map = new Dictionary<int, float[]>();
            foreach (var (views, _, indices) in Run(loader, epoch))
            {
                var size = views[0].Length / indices.Length;
                for (var k = 0; k < indices.Length; k++) map[indices[k]] = views[0][(k * size)..((k + 1) * size)];
            }
            return map;
        }
        var small = BySample(new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 3, Seed = 5 }), 1);
        var large = BySample(new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 5, Seed = 5, Shuffle = false }), 1);
        var nextEpoch = BySample(new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 3, Seed = 5 }), 2);
        for (var i = 0; i < 12; i++) Assert.Equal(small[i], large[i]);
        Assert.True(Enumerable.Range(0, 12).Count(i => !small[i].SequenceEqual(nextEpoch[i])) >= 11);
    }

    [Fact]
    public void The_two_views_of_a_sample_are_drawn_independently()
    {
        var ds = Dataset(16, side: 8);
        var loader = new DataLoader(ds, new MultiViewTransform(Augment(), Augment()), new DataLoaderOptions { BatchSize = 16, Seed = 1 });
        var (views, _, _) = Assert.Single(Run(loader, 0));
        Assert.Equal(views[0].Length, views[1].Length);
        var size = views[0].Length / 16;
        var differing = Enumerable.Range(0, 16).Count(k => !views[0].AsSpan(k * size, size).SequenceEqual(views[1].AsSpan(k * size, size)));
        Assert.Equal(16, differing);
        // Weak then strong from one generator: view 1 equals the second pipeline run after the first.
        var index = loader.EpochOrder(0)[0];
        var random = new SampleRandom(SeedMixer.ForSample(1, 0, index));
        Augment().Apply(ds.Get(index).Image, random);
        Assert.Equal(Augment().ApplyOne(ds.Get(index).Image, random).Data, views[1][..size]);
    }

    private sealed class FailingDataset(int count, int badIndex, int badLabel = -1) : IDataset
    {
        public string Name => "failing";
        public int Count => count;
        public int NumClasses => 2;
        public IReadOnlyList<string> ClassNames => ["a", "b"];
        public ImageGeometry Geometry => new(3, 2, 2);

        public LabeledImage Get(int index)
        {
            if (index == badIndex && badLabel < 0) throw new InvalidOperationException("disk on fire");
            return new LabeledImage(Images.Pattern(2, 2, 3, index), index == badIndex ? badLabel : index % 2);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_failing_sample_surfaces_at_its_batch_naming_the_sample(int workers)
    {
        var loader = new DataLoader(new FailingDataset(10, badIndex: 6), new ImagePipeline(null),
            new DataLoaderOptions { BatchSize = 4, Shuffle = false, Workers = workers });
        var delivered = 0;
        var e = Assert.Throws<DatasetException>(() =>
        {
            foreach (var batch in loader.Epoch(0)) using (batch) delivered++;
        });
        Assert.Equal(1, delivered); // batch 0 (samples 0–3) arrives, batch 1 (4–7) fails
        Assert.Equal(6, e.RecordIndex);
        Assert.Contains("disk on fire", e.Message);
        Assert.Contains("failing", e.Message);
    }

    [Fact]
    public void A_label_outside_the_class_range_is_an_error()
    {
        var loader = new DataLoader(new FailingDataset(4, badIndex: 2, badLabel: 2), new ImagePipeline(null),
            new DataLoaderOptions { BatchSize = 4 });
        var e = Assert.Throws<DatasetException>(() => loader.Epoch(0).First().Dispose());
        Assert.Equal(2, e.RecordIndex);
        Assert.Contains("label 2 is outside [0, 2)", e.Message);
    }

    [Fact]
    public void Views_of_different_sizes_in_one_batch_are_an_error()
    {
        var images = new[] { Images.Pattern(4, 4, 3, 0), Images.Pattern(5, 4, 3, 1) };
        var ds = new InMemoryDataset("mixed", images, [0, 1], 2);
        Assert.Equal(new ImageGeometry(3), ds.Geometry);
        var loader = new DataLoader(ds, new ImagePipeline(null), new DataLoaderOptions { BatchSize = 2, Shuffle = false });
        var e = Assert.Throws<DatasetException>(() => loader.Epoch(0).First().Dispose());
        Assert.Equal(1, e.RecordIndex);
        Assert.Contains("3x4x5", e.Message);
        Assert.Contains("3x4x4", e.Message);
    }

    [Fact]
    public void No_tensor_leaks_after_full_partial_and_failed_epochs()
    {
        var ds = Dataset(20);
        var transform = new MultiViewTransform(Augment(), Augment());
        var before = TorchRuntime.LiveTensorCount;
        foreach (var workers in new[] { 0, 2 })
        {
            var loader = new DataLoader(ds, transform, new DataLoaderOptions { BatchSize = 3, Workers = workers, PrefetchBatches = 4 });
            foreach (var batch in loader.Epoch(0)) batch.Dispose();
            foreach (var batch in loader.Epoch(1))
            {
                batch.Dispose();
                break; // leaving early frees the prefetched batches
            }
        }
        var failing = new DataLoader(new FailingDataset(12, badIndex: 9), new ImagePipeline(null),
            new DataLoaderOptions { BatchSize = 2, Shuffle = false, Workers = 2 });
        Assert.Throws<DatasetException>(() => { foreach (var batch in failing.Epoch(0)) batch.Dispose(); });
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    private sealed class WatchedDataset(int count) : IDataset
    {
        private int maxRequested = -1;
        public int MaxRequested => Volatile.Read(ref maxRequested);
        public string Name => "watched";
        public int Count => count;
        public int NumClasses => 1;
        public IReadOnlyList<string> ClassNames => ["only"];
        public ImageGeometry Geometry => new(1, 1, 1);

        public LabeledImage Get(int index)
        {
            int seen;
            while ((seen = Volatile.Read(ref maxRequested)) < index && Interlocked.CompareExchange(ref maxRequested, index, seen) != seen) { }
            return new LabeledImage(new ByteImage(1, 1, 1, [(byte)index]), 0);
        }
    }

    [Fact]
    public void Workers_prefetch_ahead_but_no_further_than_the_bound()
    {
        const int prefetch = 3;
        var ds = new WatchedDataset(12);
        var loader = new DataLoader(ds, new ImagePipeline(null),
            new DataLoaderOptions { BatchSize = 1, Shuffle = false, Workers = 2, PrefetchBatches = prefetch });
        var taken = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch) taken++;
            // Having taken `taken` batches, the workers may have started batches up to taken - 1 + prefetch.
            var limit = Math.Min(taken - 1 + prefetch, ds.Count - 1);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (ds.MaxRequested < limit && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Assert.Equal(limit, ds.MaxRequested); // reached the bound…
            Thread.Sleep(20);
            Assert.Equal(limit, ds.MaxRequested); // …and stayed there
        }
        Assert.Equal(12, taken);
    }

    [Fact]
    public void Options_are_validated()
    {
        var ds = Dataset(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, Augment(), new DataLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, Augment(), new DataLoaderOptions { Workers = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, Augment(), new DataLoaderOptions { PrefetchBatches = 0 }));
    }
}
