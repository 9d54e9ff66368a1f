using System.Globalization;
using SharpDistill.Distillers;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Training;

namespace SharpDistill.Distributed;

/// <summary>
/// What the trainer does differently in a data-parallel job (docs/distributed.md): start every rank
/// from rank 0's parameters and buffers, average the gradients of every trainable parameter
/// (student and the distiller's extra modules) in every step (started during the backward pass
/// unless the context says after-backward), agree on stopping, and
/// combine the sharded evaluation. Every failure of a collective becomes a
/// <see cref="DistributedFailureException"/> that names this rank and the ranks it waited for.
/// </summary>
public sealed class DataParallelTraining : IDisposable
{
    private readonly GradientAverager averager;
    private readonly IReadOnlyList<Module> modules;

    /// <summary>For a distiller: its student and its extra trainable modules (DCD heads, θ/b, …).</summary>
    public DataParallelTraining(DistributedContext context, ProcessGroup group, Distiller distiller)
        : this(context, group, [distiller.Student, .. distiller.ExtraModules.Select(e => e.Value)])
    {
    }

    /// <summary>
    /// For any set of modules whose parameters are trained together; the context says when the
    /// gradients are all-reduced and the bucket size.
    /// </summary>
    public DataParallelTraining(DistributedContext context, ProcessGroup group, IReadOnlyList<Module> modules)
    {
        Context = context;
        Group = group;
        this.modules = modules;
        averager = new GradientAverager(group, modules.SelectMany(m => m.Parameters()), context.BucketBytes, context.GradientSync);
    }

    public DistributedContext Context { get; }
    public ProcessGroup Group { get; }

    /// <summary>
    /// Time this rank spent in <see cref="AverageGradients"/> so far. Overlapped, that is only the wait
    /// for the all-reduces still running when the backward pass ends (and for slower ranks); after
    /// backward, the whole all-reduce (docs/distributed.md).
    /// </summary>
    public TimeSpan GradientCommunicationTime => averager.CommunicationTime;

    /// <summary>When the gradients are all-reduced.</summary>
    public GradientSync GradientSync => averager.Sync;

    /// <summary>The overlapped reducer's counters (null after backward).</summary>
    public GradientReducerStatistics? GradientStatistics => averager.Statistics;

    /// <summary>Mean time per step spent in <see cref="AverageGradients"/> (zero before the first step).</summary>
    public TimeSpan GradientCommunicationPerStep =>
        averager.Steps == 0 ? TimeSpan.Zero : averager.CommunicationTime / averager.Steps;

    /// <summary>Collectives per step for the gradients.</summary>
    public int BucketCount => averager.BucketCount;

    /// <summary>
    /// Overwrites every parameter and buffer of the student and the extra modules with rank 0's
    /// (at the start of a run and after resuming), so all ranks step from identical weights even
    /// if their initialisation or checkpoint copy differed.
    /// </summary>
    public void BroadcastState() => Guard("broadcasting rank 0's weights", () =>
    {
        foreach (var module in modules)
            foreach (var tensor in module.Parameters().Concat(module.Buffers()))
                Group.Broadcast(tensor, root: 0);
    });

    /// <summary>
    /// Makes every batch norm of the trained modules (student and extra modules; never the
    /// teacher) use the whole global batch's statistics in training mode (distributed.sync_batch_norm).
    /// Returns how many layers it set.
    /// </summary>
    public int SynchroniseBatchNorm() => modules.Sum(module => SyncBatchNorm.Convert(module, Group));

    /// <summary>Replaces each gradient by its mean over the ranks (between backward and the optimizer step).</summary>
    public void AverageGradients() => Guard("averaging gradients", averager.Average);

    /// <summary>
    /// True when any rank asks to stop: every rank calls this at the same points, so all of them
    /// stop after the same step (a rank that stopped alone would leave the others waiting).
    /// </summary>
    public bool AgreeOnStop(bool requestedHere)
    {
        var any = false;
        Guard("agreeing on a stop request", () => any = SumOverRanks(requestedHere ? 1 : 0)[0] > 0);
        return any;
    }

    /// <summary>The whole test set's figures from each rank's shard (counts and loss sums are added).</summary>
    public Evaluation Combine(Evaluation local)
    {
        var combined = local;
        Guard("combining the evaluation", () =>
        {
            var values = SumOverRanks(
                Math.Round(local.Top1 * local.Samples / 100.0), Math.Round(local.Top5 * local.Samples / 100.0),
                local.Loss * local.Samples, local.Samples);
            var samples = values[3];
            combined = new Evaluation(100.0 * values[0] / samples, 100.0 * values[1] / samples, values[2] / samples, (long)samples);
        });
        return combined;
    }

    /// <summary>
    /// The epoch's training figures over all ranks (samples, loss and accuracy sums are added, so
    /// images/s is the job's); the time is this rank's (the ranks run in lockstep).
    /// </summary>
    public EpochAccumulator CombineTraining(EpochAccumulator local)
    {
        var state = local.ToState();
        var terms = state.TermSums.Keys.Order(StringComparer.Ordinal).ToList();
        var combined = local;
        Guard("combining the training figures", () =>
        {
            var v = SumOverRanks(new double[] { state.Samples, state.Top1, state.Top5, state.LossSum }
                .Concat(terms.Select(t => state.TermSums[t])).ToArray());
            combined = EpochAccumulator.FromState(state with
            {
                Samples = (long)Math.Round(v[0]), Top1 = (long)Math.Round(v[1]), Top5 = (long)Math.Round(v[2]), LossSum = v[3],
                TermSums = terms.Select((t, i) => (t, v[4 + i])).ToDictionary(x => x.t, x => x.Item2),
            });
        });
        return combined;
    }

    /// <summary>
    /// Element-wise sums of <paramref name="values"/> over the ranks. NCCL reduces CUDA tensors only,
    /// so with it the figures travel on the device the student trains on.
    /// </summary>
    private double[] SumOverRanks(params double[] values)
    {
        using var scope = new TensorScope();
        var sums = Tensor.FromArray(values);
        if (Group.Backend == DistributedBackend.Nccl) sums = sums.To(modules[0].Parameters().First().Device);
        Group.AllReduce(sums, ReduceOp.Sum);
        return sums.To(Device.Cpu).ToArray<double>();
    }

    /// <summary>Waits for every rank (before the job ends, so no rank leaves while another still talks to it).</summary>
    public void Barrier() => Guard("waiting for the other ranks to finish", Group.Barrier);

    private void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (TorchDistributedException e)
        {
            throw new DistributedFailureException(Describe(Context, what, e.Message), e);
        }
    }

    /// <summary>"rank 0 of 2: lost contact with rank 1 while …" (the peers this rank was waiting for).</summary>
    public static string Describe(DistributedContext context, string what, string detail)
    {
        var others = Enumerable.Range(0, context.WorldSize).Where(r => r != context.Rank).ToList();
        var peers = others.Count == 1 ? $"rank {others[0]}" : $"one of ranks {string.Join(", ", others)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"rank {context.Rank} of {context.WorldSize}: lost contact with {peers} while {what} " +
            $"(it exited, was killed or hung for more than {context.Timeout.TotalSeconds:0.#} s, {DistributedContext.TimeoutVariable}): {detail}");
    }

    public void Dispose()
    {
        averager.Dispose();
        Group.Dispose();
    }
}
