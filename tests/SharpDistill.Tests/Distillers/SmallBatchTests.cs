using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Distillers;

/// <summary>
/// The last batch of an epoch may hold one or two samples (solver.drop_last is false, as in the
/// reference code). Every method, and the cross-view composition of every logit method, must give a
/// finite loss and finite gradients there: DIST's and CMKD's per-class correlations, which need two
/// samples, contribute 0 on a batch of one (docs/training.md, "Small last batches").
/// </summary>
public class SmallBatchTests
{
    public static TheoryData<string, bool, int> Cases()
    {
        var data = new TheoryData<string, bool, int>();
        foreach (var method in MethodRegistry.Names.Where(n => n != "tiny"))
            foreach (var remainder in new[] { 1, 2 })
            {
                data.Add(method, false, remainder);
                if (MethodRegistry.Find(method).CrossViewPair(MethodRegistry.Find(method).CreateSettings()) != null)
                    data.Add(method, true, remainder);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryMethodHandlesABatchOfOneOrTwo(string method, bool crossView, int batch)
    {
        TorchRuntime.ManualSeed(5);
        using var scope = new TensorScope();
        var options = new ModelOptions(NumClasses: 10, InChannels: 1, Variant: ModelVariant.TinyImageNet);
        var student = ModelZoo.Create("resnet8", options);
        var teacher = ModelZoo.Create("resnet14", options);
        teacher.Eval();
        var config = new DistillerConfig { Method = method, CrossView = new CrossViewConfig { Enabled = crossView, TauW = 0, TauS = 0 } };
        using var distiller = config.CreateDistiller(student, MethodRegistry.Find(method).NeedsTeacher ? teacher : null);
        distiller.TrainMode();
        using var g = new Generator(7);
        var views = Enumerable.Range(0, distiller.ViewCount).Select(_ => Tensors.Randn(new long[] { batch, 1, 28, 28 }, g)).ToList();
        var labels = Tensors.RandInt(0, 10, new long[] { batch }, g);
        var step = distiller.TrainStep(views, labels, new TrainingProgress(1, 1));
        var total = step.Losses.Select(l => l.Value).Aggregate((a, b) => a + b);
        Assert.True(double.IsFinite(total.ToDouble()), $"{method} (cross-view {crossView}) on {batch} sample(s): loss {total.ToDouble()}");
        total.Backward();
        foreach (var (name, parameter) in student.NamedParameters())
        {
            using var grad = parameter.Grad;
            if (grad is null) continue;
            Assert.True(double.IsFinite(grad.Abs().Sum().ToDouble()), $"{method}: gradient of {name} is not finite on {batch} sample(s)");
        }
        student.Dispose();
        teacher.Dispose();
    }
}
