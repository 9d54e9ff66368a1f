using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests;

/// <summary>
/// The gradient reducer in one process (world size 1, so the average of one rank is the gradient
/// itself): its hooks start bucket all-reduces during the backward pass, it handles parameters
/// without a gradient and a second backward pass, and misuse is a typed error. Two processes:
/// tests/SharpDistill.Tests/Distributed/MultiProcessTests.cs.
/// </summary>
public class GradientReducerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Three linear layers; <paramref name="unused"/> adds a layer the forward pass never calls.</summary>
    private sealed class Chain : IDisposable
    {
        public readonly Linear First = new(6, 5), Second = new(5, 4), Third = new(4, 3), Spare = new(3, 3);

        public Tensor Loss(Tensor input) => Third.Forward(F.Relu(Second.Forward(F.Relu(First.Forward(input))))).Square().Mean();

        /// <summary>Parameters in reverse order (the order their gradients arrive), one per bucket.</summary>
        public List<IReadOnlyList<Tensor>> OnePerBucket(bool unused) =>
            (unused ? new[] { Spare, Third, Second, First } : new[] { Third, Second, First })
            .SelectMany(l => new[] { l.Bias!, l.Weight }).Select(p => (IReadOnlyList<Tensor>)[p]).ToList();

        public void Dispose()
        {
            foreach (var l in new[] { First, Second, Third, Spare }) l.Dispose();
        }
    }

    private static ProcessGroup SingleRank() => ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout);

    private static Tensor Input() => Tensors.Randn([8, 6], new Generator(7));

    [Fact]
    public void SmallBucketsStartDuringTheBackwardPassAndKeepTheGradients()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        var buckets = chain.OnePerBucket(unused: false);
        using var reducer = new GradientReducer(group, buckets);
        using var scope = new TensorScope();
        chain.Loss(Input()).Backward();
        var before = buckets.Select(b => b[0].Grad!.ToArray<float>()).ToList();
        var started = reducer.Statistics;
        // The hooks ran inside Backward: every bucket was started before Finish, most of them while
        // earlier layers' gradients were still being computed.
        Assert.Equal(6, started.StartedDuringBackward);
        Assert.InRange(started.StartedEarly, 1, 5);
        Assert.Equal(0, started.Steps);
        reducer.Finish();
        Assert.Equal(before, buckets.Select(b => b[0].Grad!.ToArray<float>()).ToList());
        Assert.Equal(new GradientReducerStatistics(1, 6, started.StartedEarly, 0, 0), reducer.Statistics);
    }

    [Fact]
    public void OneBucketCannotStartBeforeTheLastGradient()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        using var reducer = new GradientReducer(group, [chain.OnePerBucket(unused: false).SelectMany(b => b).ToList()]);
        using var scope = new TensorScope();
        chain.Loss(Input()).Backward();
        reducer.Finish();
        Assert.Equal(new GradientReducerStatistics(1, 1, 0, 0, 0), reducer.Statistics);
    }

    [Fact]
    public void AParameterWithoutGradientDelaysItsBucketOnlyInTheFirstStep()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        var buckets = chain.OnePerBucket(unused: true);
        using var reducer = new GradientReducer(group, buckets);
        using var scope = new TensorScope();
        chain.Loss(Input()).Backward();
        reducer.Finish();
        // Step 1: the spare layer's buckets come first and never become ready, so every later
        // bucket (started in order) waits for Finish.
        Assert.Equal(new GradientReducerStatistics(1, 0, 0, 6, 0), reducer.Statistics);
        Assert.Null(chain.Spare.Weight.Grad);
        foreach (var p in chain.First.Parameters()) p.Grad = null;
        foreach (var p in chain.Second.Parameters()) p.Grad = null;
        foreach (var p in chain.Third.Parameters()) p.Grad = null;
        chain.Loss(Input()).Backward();
        reducer.Finish();
        // Step 2: the reducer learned that the spare layer gets no gradient and no longer waits for it.
        var second = reducer.Statistics;
        Assert.Equal(6, second.StartedDuringBackward);
        Assert.Equal(6, second.StartedAtFinish);
        Assert.True(second.StartedEarly >= 1);
        Assert.Null(chain.Spare.Weight.Grad);
    }

    [Fact]
    public void ASecondBackwardBeforeFinishIsReducedAgainOverTheSummedGradients()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        var buckets = chain.OnePerBucket(unused: false);
        using var reducer = new GradientReducer(group, buckets);
        using var scope = new TensorScope();
        chain.Loss(Input()).Backward();
        var once = chain.First.Weight.Grad!.ToArray<float>();
        chain.Loss(Input()).Backward(); // gradient accumulation: the buffers sent during the first pass are stale
        reducer.Finish();
        Assert.Equal(1, reducer.Statistics.RedoneSteps);
        Assert.Equal(once.Select(x => 2 * x).ToArray(), chain.First.Weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void BadBucketsAreArgumentErrors()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        using var scope = new TensorScope();
        Assert.Contains("listed twice", Assert.Throws<TorchArgumentException>(() =>
            new GradientReducer(group, [[chain.First.Weight], [chain.First.Weight]])).Message);
        using var doubled = chain.Second.Weight.Detach().To(DType.Float64).RequiresGrad_();
        Assert.Contains("share dtype", Assert.Throws<TorchArgumentException>(() =>
            new GradientReducer(group, [[chain.First.Weight, doubled]])).Message);
        Assert.Contains("not a leaf", Assert.Throws<TorchArgumentException>(() =>
            new GradientReducer(group, [[chain.First.Weight * 2]])).Message);
    }

    [Fact]
    public void AParameterThatStartsRequiringGradLaterIsStillAveraged()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        using var scope = new TensorScope();
        var late = Tensors.Randn([6], new Generator(3)); // no gradient accumulator yet, so no hook
        using var reducer = new GradientReducer(group, [[late], .. chain.OnePerBucket(unused: false)]);
        late.RequiresGrad_();
        chain.Loss(Input() * late).Backward(); // scales the input: its gradient is the very last one
        var gradient = late.Grad!.ToArray<float>();
        reducer.Finish();
        // Its bucket (nothing to wait for) was sent with the first hook, before its gradient
        // existed; finish notices the new gradient and reduces again.
        Assert.Equal(1, reducer.Statistics.RedoneSteps);
        Assert.Equal(gradient, late.Grad!.ToArray<float>());
    }

    [Fact]
    public void AStepWithoutBackwardDoesNotChangeWhatIsWaitedFor()
    {
        using var group = SingleRank();
        using var chain = new Chain();
        using var reducer = new GradientReducer(group, chain.OnePerBucket(unused: false));
        using var scope = new TensorScope();
        reducer.Finish(); // nothing to average
        chain.Loss(Input()).Backward();
        reducer.Finish();
        var s = reducer.Statistics;
        Assert.Equal((2, 6, 0, 0), (s.Steps, s.StartedDuringBackward, s.StartedAtFinish, s.RedoneSteps));
        Assert.True(s.StartedEarly >= 1);
    }
}
