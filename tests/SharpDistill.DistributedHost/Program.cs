using SharpDistill.Distributed;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Serialization;

// A data-parallel worker for the tests. Without WORLD_SIZE it is the single-process reference.
//   steps OUT N [unused]
//                 N SGD steps of resnet8 in float64 (batch norm in eval mode) on a fixed global batch of 8
//                 per step; this rank trains on its shard. Writes OUT/grads_<name>.safetensors (the
//                 gradients of step 1 after averaging) and OUT/weights_<name>.safetensors (after N steps),
//                 and prints the overlapped reducer's counters ("reducer: ..."). With "unused", a linear
//                 layer the forward pass never calls is trained along (it never gets a gradient).
//   forever       the same steps without end (printing "stepping" after the first) until a peer disappears.
//   wait          all-reduces a small tensor every 100 ms until a peer disappears.
// SHARPDISTILL_GRAD_SYNC and SHARPDISTILL_BUCKET_MB choose how the gradients are averaged.
//   batchnorm OUT sync|plain|die|uneven
//                 one forward/backward of resnet8 in float64 in TRAINING mode (batch norm on batch
//                 statistics) on this rank's shard of a fixed global batch of 8, batch norm synchronised
//                 across the ranks (sync, die, uneven: 5 and 3 samples) or per rank (plain). Writes OUT/bn_<mode>_<name>.safetensors:
//                 logits, input_grad, grad.<parameter> (after averaging) and buffer.<buffer>. With die,
//                 rank 1 leaves after the forward pass, so rank 0's backward loses its peer. Then an
//                 eval-mode forward pass on rank 0 alone (eval mode must make no collective).
// Exit codes: 0 done, 4 the job lost a worker (the message on stderr), 2 bad usage or environment.
const int GlobalBatch = 8;
try
{
    TorchRuntime.EnsureLoaded();
    var context = DistributedContext.FromEnvironment();
    var name = context == null ? "single" : $"rank{context.Rank}";
    using var group = context?.Join();
    switch (args.FirstOrDefault())
    {
        case "steps":
            RunSteps(context, group, args[1], int.Parse(args[2]), name, args.Contains("unused"));
            return 0;
        case "forever":
            RunSteps(context, group, null, int.MaxValue, name, unused: false);
            return 0;
        case "wait":
            if (context == null || group == null) throw new InvalidOperationException("wait needs WORLD_SIZE");
            using (var dp = new DataParallelTraining(context, group, Array.Empty<Module>()))
            {
                Console.WriteLine("joined");
                for (var i = 0; ; i++)
                {
                    dp.AgreeOnStop(false);
                    Thread.Sleep(100);
                }
            }
        case "batchnorm":
            RunBatchNorm(context, group, args[1], args[2], name);
            return 0;
        default:
            Console.Error.WriteLine("usage: steps OUT N [unused] | forever | wait | batchnorm OUT sync|plain|die|uneven");
            return 2;
    }
}
catch (DistributedFailureException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 4;
}
catch (TorchDistributedException e)
{
    // A collective inside forward or backward (synchronised batch norm), as `distill` reports it.
    Console.Error.WriteLine($"error: lost contact: {e.Message}");
    return 4;
}
catch (SharpDistill.Config.ConfigException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static void RunSteps(DistributedContext? context, ProcessGroup? group, string? output, int steps, string name, bool unused)
{
    // Different initial weights on each rank: the broadcast from rank 0 must make them equal.
    TorchRuntime.ManualSeed(1 + (ulong)(context?.Rank ?? 0));
    using var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet));
    using var spare = new Linear(4, 3);
    // Float64, so that the comparison at 1e-6 measures the averaging, not float32 rounding of sums
    // taken in another order (float32 alone differs by about 1e-6 relative).
    model.To(DType.Float64);
    spare.To(DType.Float64);
    model.Eval();
    Module[] trained = unused ? [model, spare] : [model];
    using var dp = context == null ? null : new DataParallelTraining(context, group!, trained);
    dp?.BroadcastState();
    using var optimizer = new Sgd(trained.SelectMany(m => m.Parameters()), new SgdOptions { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 5e-4 });
    var world = context?.WorldSize ?? 1;
    var rank = context?.Rank ?? 0;
    var local = GlobalBatch / world;
    for (var step = 0; step < steps; step++)
    {
        using var scope = new TensorScope();
        using var generator = new Generator(1000 + (ulong)(step % 1000));
        var images = Tensors.Randn([GlobalBatch, 1, 28, 28], generator, DType.Float64).Narrow(0, rank * local, local);
        var labels = Tensors.RandInt(0, 10, [GlobalBatch], generator).Narrow(0, rank * local, local);
        var loss = F.CrossEntropy(model.ForwardLogits(images), labels);
        optimizer.ZeroGrad();
        loss.Backward();
        dp?.AverageGradients();
        if (step == 0 && output != null)
            SafeTensors.Save(Path.Combine(output, $"grads_{name}.safetensors"),
                model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!));
        if (step == 0 && output == null) Console.WriteLine("stepping");
        optimizer.Step();
    }
    if (output == null) return;
    Assert(spare.Weight.Grad == null, "the unused layer got a gradient");
    SafeTensors.Save(Path.Combine(output, $"weights_{name}.safetensors"), model.NamedParameters().ToDictionary(p => p.Key, p => p.Value));
    if (dp?.GradientStatistics is { } s)
        Console.WriteLine($"reducer: buckets={dp.BucketCount} steps={s.Steps} during_backward={s.StartedDuringBackward} early={s.StartedEarly} " +
                          $"at_finish={s.StartedAtFinish} redone={s.RedoneSteps}");
    dp?.Barrier();
}

static void Assert(bool condition, string message)
{
    if (!condition) throw new InvalidOperationException(message);
}

static void RunBatchNorm(DistributedContext? context, ProcessGroup? group, string output, string mode, string name)
{
    TorchRuntime.ManualSeed(1 + (ulong)(context?.Rank ?? 0));
    using var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet));
    model.To(DType.Float64);
    model.Train();
    using var dp = context == null ? null : new DataParallelTraining(context, group!, [model]);
    dp?.BroadcastState();
    if (mode != "plain") dp?.SynchroniseBatchNorm();
    var world = context?.WorldSize ?? 1;
    var rank = context?.Rank ?? 0;
    // uneven: 5 samples on rank 0, 3 on rank 1 (a last batch need not split evenly).
    var (start, local) = mode == "uneven" ? (rank == 0 ? (0, 5) : (5, 3)) : (rank * GlobalBatch / world, GlobalBatch / world);
    using var scope = new TensorScope();
    using var generator = new Generator(1000);
    var images = Tensors.Randn([GlobalBatch, 1, 28, 28], generator, DType.Float64).Narrow(0, start, local).Contiguous();
    images.RequiresGrad = true;
    var labels = Tensors.RandInt(0, 10, [GlobalBatch], generator).Narrow(0, start, local);
    var logits = model.ForwardLogits(images);
    if (mode == "die" && rank == 1) return; // leaves without its backward collectives
    // Σ CE × world / global batch: after averaging over the ranks, the global batch's mean CE
    // whatever the split (with an even split it is each rank's own mean).
    var loss = F.CrossEntropy(logits, labels, Reduction.Sum) * (world / (double)GlobalBatch);
    model.ZeroGrad();
    loss.Backward();
    dp?.AverageGradients();
    var saved = new Dictionary<string, Tensor> { ["logits"] = logits.Detach(), ["input_grad"] = images.Grad! };
    foreach (var (key, parameter) in model.NamedParameters()) saved[$"grad.{key}"] = parameter.Grad!;
    foreach (var (key, buffer) in model.NamedBuffers()) saved[$"buffer.{key}"] = buffer;
    SafeTensors.Save(Path.Combine(output, $"bn_{mode}_{name}.safetensors"), saved);
    // Eval mode makes no collective: a forward pass on rank 0 alone must not wait for rank 1.
    model.Eval();
    if (rank == 0) model.ForwardLogits(images).Dispose();
    dp?.Barrier();
}
