using System.Buffers;
using SharpDistill.Torch;

namespace SharpDistill.Data;

/// <summary>
/// Batches a dataset through a per-sample transform, like PyTorch's DataLoader: shuffled (or not)
/// each epoch, optionally dropping the last partial batch, with worker threads that decode and
/// augment ahead of the consumer.
/// </summary>
/// <remarks>
/// Reproducibility: epoch e's order depends only on (Seed, e), and sample i's augmentation only on
/// (Seed, e, i) through its own <see cref="SampleRandom"/>. The batches are therefore identical for
/// any number of workers and any thread timing; errors, too, surface at the same batch.
/// <code>
/// var loader = new DataLoader(train, new MultiViewTransform(weak, strong), new DataLoaderOptions { BatchSize = 64, Seed = 1, Workers = 2 });
/// foreach (var batch in loader.Epoch(epoch)) using (batch) { var (xw, xs) = (batch.Views[0], batch.Views[1]); … }
/// </code>
/// </remarks>
public sealed class DataLoader
{
    public DataLoader(IDataset dataset, ISampleTransform transform, DataLoaderOptions? options = null)
    {
        Dataset = dataset;
        Transform = transform;
        Options = options ?? new DataLoaderOptions();
        Options.Validate();
        if (transform.ViewCount < 1)
            throw new ArgumentException($"{transform.GetType().Name} declares {transform.ViewCount} views; a transform must produce at least one");
        var count = SamplesPerEpoch;
        var full = count / Options.BatchSize;
        BatchesPerEpoch = Options.DropLast || count % Options.BatchSize == 0 ? full : full + 1;
    }

    public IDataset Dataset { get; }
    public ISampleTransform Transform { get; }
    public DataLoaderOptions Options { get; }

    /// <summary>Batches in every epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Samples read per epoch: the whole dataset, or this rank's shard of it.</summary>
    public int SamplesPerEpoch => Options.Sampler?.ShardSize(Dataset.Count) ?? Dataset.Count;

    /// <summary>
    /// The sample order of <paramref name="epoch"/>: a permutation when shuffling, else 0, 1, 2, …;
    /// with a distributed sampler, this rank's shard of that order.
    /// </summary>
    public int[] EpochOrder(int epoch)
    {
        var order = FullOrder(epoch);
        return Options.Sampler is { } sampler ? sampler.Shard(order) : order;
    }

    private int[] FullOrder(int epoch)
    {
        var order = new int[Dataset.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        if (!Options.Shuffle) return order;
        var random = new SampleRandom(SeedMixer.ForEpochOrder(Options.Seed, epoch));
        for (var i = order.Length - 1; i > 0; i--) // Fisher–Yates
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The batches of <paramref name="epoch"/>. Enumerating starts the workers; disposing the
    /// enumerator (leaving the foreach) stops them and frees batches not yet handed out.
    /// Each batch is the caller's to dispose.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        using var enumerator = new EpochEnumerator(this, epoch);
        while (enumerator.MoveNext()) yield return enumerator.Current;
    }

    /// <summary>Builds batch <paramref name="number"/> from the dataset indices given, on the calling thread.</summary>
    internal Batch BuildBatch(int epoch, int number, ReadOnlySpan<int> indices, CancellationToken cancel)
    {
        var n = indices.Length;
        var viewCount = Transform.ViewCount;
        var buffers = new float[viewCount][];
        var shapes = new ChwImage[viewCount]; // the first sample's views, for their shapes
        var labels = new long[n];
        var tensors = new List<Tensor>(viewCount + 1);
        try
        {
            for (var k = 0; k < n; k++)
            {
                cancel.ThrowIfCancellationRequested();
                var index = indices[k];
                var (image, label) = ReadSample(index);
                var views = ApplyTransform(image, epoch, index);
                for (var v = 0; v < viewCount; v++)
                {
                    var view = views[v];
                    if (k == 0)
                    {
                        shapes[v] = view;
                        buffers[v] = ArrayPool<float>.Shared.Rent(n * view.Data.Length);
                    }
                    else if (view.Channels != shapes[v].Channels || view.Height != shapes[v].Height || view.Width != shapes[v].Width)
                    {
                        throw new DatasetException(
                            $"{Dataset.Name}: view {v} is {view.ShapeText} but sample {indices[0]} of the same batch gave " +
                            $"{shapes[v].ShapeText}; a batch needs one size: add a crop or resize to the transform", null, index);
                    }
                    view.Data.CopyTo(buffers[v], k * view.Data.Length);
                }
                labels[k] = label;
            }
            for (var v = 0; v < viewCount; v++)
            {
                var s = shapes[v];
                var length = n * s.Data.Length;
                tensors.Add(Tensor.FromSpan<float>(buffers[v].AsSpan(0, length), n, s.Channels, s.Height, s.Width).DetachFromScope());
            }
            var labelTensor = Tensor.FromArray(labels).DetachFromScope();
            return new Batch(epoch, number, indices.ToArray(), tensors.ToArray(), labelTensor);
        }
        catch
        {
            foreach (var t in tensors) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var buffer in buffers)
                if (buffer != null) ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private LabeledImage ReadSample(int index)
    {
        LabeledImage sample;
        try { sample = Dataset.Get(index); }
        catch (Exception e) when (e is not DatasetException and not OperationCanceledException)
        {
            throw new DatasetException($"{Dataset.Name}: reading the sample failed: {e.Message}", null, index, e);
        }
        if ((uint)sample.Label >= (uint)Dataset.NumClasses)
            throw new DatasetException($"{Dataset.Name}: label {sample.Label} is outside [0, {Dataset.NumClasses})", null, index);
        return sample;
    }

    private ChwImage[] ApplyTransform(ByteImage image, int epoch, int index)
    {
        ChwImage[] views;
        try { views = Transform.Apply(image, new SampleRandom(SeedMixer.ForSample(Options.Seed, epoch, index))); }
        catch (Exception e) when (e is not DatasetException and not OperationCanceledException)
        {
            throw new DatasetException($"{Dataset.Name}: {Transform.GetType().Name} failed: {e.Message}", null, index, e);
        }
        if (views.Length != Transform.ViewCount)
            throw new DatasetException(
                $"{Dataset.Name}: {Transform.GetType().Name} declares {Transform.ViewCount} views but returned {views.Length}", null, index);
        return views;
    }
}
