using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Distillers;

public class DistillerTests
{
    private static ZooModel Model(string name = "resnet8") =>
        ModelZoo.Create(name, new ModelOptions(NumClasses: 10, InChannels: 1, Variant: ModelVariant.TinyImageNet));

    private static (Tensor Weak, Tensor Strong, Tensor Labels) Batch(int n = 8)
    {
        using var g = new Generator(3);
        return (Tensors.Randn(new long[] { n, 1, 28, 28 }, g), Tensors.Randn(new long[] { n, 1, 28, 28 }, g),
            Tensors.RandInt(0, 10, new long[] { n }, g));
    }

    private static DistillerParts Parts(ZooModel student, ZooModel teacher) => new(student, teacher, MethodRegistry.PooledFeatureWidth);

    private static Dictionary<string, double> Values(DistillerStep step) => step.Losses.ToDictionary(l => l.Key, l => l.Value.ToDouble());

    [Fact]
    public void CrossViewConsistencyOnKdIsExactlyCrld()
    {
        TorchRuntime.ManualSeed(1);
        var student = Model();
        var teacher = Model("resnet20");
        teacher.Eval();
        var (weak, strong, labels) = Batch();
        using var scope = new TensorScope();
        // Thresholds at the median teacher confidence keep half the samples, so the gating is really exercised.
        double Median(Tensor x) => F.Softmax(teacher.ForwardLogits(x), 1).Max(1).Values.Median();
        var (tauW, tauS) = (Median(weak), Median(strong));
        var config = new DistillerConfig { Method = "kd", CrossView = new CrossViewConfig { Enabled = true, TauW = tauW, TauS = tauS } };
        var crldSettings = new CrldSettings { TauW = tauW, TauS = tauS, Temperature = config.Settings<KdSettings>().Temperature };
        var crld = new CrldDistiller(Parts(student, teacher), crldSettings);
        var composed = config.CreateDistiller(student, teacher);
        Assert.Equal("kd+crld", composed.Method);
        student.Eval(); // same forward both times (no batch statistics), so the two losses see the same logits
        var a = Values(crld.TrainStep(new[] { weak, strong }, labels, new TrainingProgress(1, 1)));
        var b = Values(composed.TrainStep(new[] { weak, strong }, labels, new TrainingProgress(1, 1)));
        Assert.Equal(new[] { "loss_ce", "loss_kd_cv", "loss_kd_wv" }, a.Keys.Order());
        foreach (var key in a.Keys) Assert.Equal(a[key], b[key], 5);
        var mask = SharpDistill.Distillers.Losses.CrldLoss.ConfidenceMask(teacher.ForwardLogits(weak), tauW, DType.Float32);
        Assert.InRange(mask.Sum().ToDouble(), 1, 7);
        crld.Dispose();
        weak.Dispose(); strong.Dispose(); labels.Dispose();
    }

    [Fact]
    public void CrldRunsTheStudentTwiceAndKeepsTheTeacherFrozen()
    {
        using var distiller = new CrldDistiller(Parts(Model(), Model()), new CrldSettings());
        var (weak, strong, labels) = Batch();
        using (new TensorScope())
        {
            distiller.TrainMode();
            Assert.False(distiller.Teacher!.Training);
            var tracked = ((SharpDistill.Torch.NN.BatchNorm2d)distiller.Student.NamedModules().First(m => m.Value is SharpDistill.Torch.NN.BatchNorm2d).Value).NumBatchesTracked;
            var before = tracked.ToInt64();
            var step = distiller.TrainStep(new[] { weak, strong }, labels, new TrainingProgress(1, 240));
            Assert.Equal(before + 2, tracked.ToInt64()); // one weak and one strong forward, as CRLD.py does
            var total = step.Losses[0].Value + step.Losses[1].Value + step.Losses[2].Value;
            total.Backward();
            Assert.All(distiller.Teacher.Parameters(), p => Assert.Null(p.Grad));
            Assert.All(distiller.Student.Parameters(), p => Assert.NotNull(p.Grad));
            Assert.Throws<ArgumentException>(() => distiller.TrainStep(new[] { weak }, labels, new TrainingProgress(1, 1)));
        }
        weak.Dispose(); strong.Dispose(); labels.Dispose();
    }

    [Fact]
    public void DkdWarmUpScalesOnlyTheDistillationPart()
    {
        Assert.Equal(0.05, DkdMethod.WarmupFactor(1, 20), 12);
        Assert.Equal(1.0, DkdMethod.WarmupFactor(20, 20));
        Assert.Equal(1.0, DkdMethod.WarmupFactor(200, 20));
        var student = Model();
        var teacher = Model();
        using var distiller = new DkdMethod().Create(new DkdSettings(), Parts(student, teacher));
        var (weak, _, labels) = Batch();
        using (new TensorScope())
        {
            student.Eval();
            var early = Values(distiller.TrainStep(new[] { weak }, labels, new TrainingProgress(1, 240)));
            var late = Values(distiller.TrainStep(new[] { weak }, labels, new TrainingProgress(40, 240)));
            Assert.Equal(early["loss_ce"], late["loss_ce"], 10);
            Assert.Equal(early["loss_kd"] * 20, late["loss_kd"], 4);
        }
        Assert.Throws<ArgumentException>(() => new DkdMethod().Create(new DkdSettings { Warmup = 0 }, Parts(Model(), Model())));
    }

    [Fact]
    public void DcdTrainsBothHeadsAndItsScaleButNotTheTeacher()
    {
        var config = new DistillerConfig { Method = "dcd" };
        using var distiller = config.CreateDistiller(Model(), Model("resnet8x4"));
        var dcd = Assert.IsType<DcdDistiller>(distiller);
        Assert.Equal(new long[] { 128, 64 }, dcd.Heads.EmbedStudent.Weight.Shape);
        Assert.Equal(new long[] { 128, 256 }, dcd.Heads.EmbedTeacher.Weight.Shape);
        var trainable = distiller.TrainableParameters().ToList();
        Assert.Equal(distiller.Student.Parameters().Count() + 6, trainable.Count);
        var (weak, _, labels) = Batch();
        using (new TensorScope())
        {
            distiller.TrainMode();
            var step = distiller.TrainStep(new[] { weak }, labels, new TrainingProgress(1, 1));
            Assert.Equal(new[] { "loss_ce", "loss_kd", "loss_dcd" }, step.Losses.Select(l => l.Key));
            Assert.Equal(0.0, step.Losses[1].Value.ToDouble()); // DCD alone: KD computed, weight 0
            (step.Losses[0].Value + step.Losses[1].Value + step.Losses[2].Value).Backward();
            Assert.NotNull(dcd.Heads.EmbedTeacher.Weight.Grad);
            Assert.NotNull(dcd.Heads.Theta.Grad);
            Assert.All(distiller.Teacher!.Parameters(), p => Assert.Null(p.Grad));
        }
    }

    [Fact]
    public void TheRegistryExplainsWhatIsWrong()
    {
        Assert.Contains("crld", Assert.Throws<ArgumentException>(() => MethodRegistry.Find("crd")).Message);
        Assert.Equal("cmkd", MethodRegistry.Find("CMKD").Name);
        Assert.Contains("needs a teacher", Assert.Throws<ArgumentException>(() =>
            new DistillerConfig { Method = "kd" }.CreateDistiller(Model(), null)).Message);
        var notComposable = Assert.Throws<ArgumentException>(() =>
            new DistillerConfig { Method = "dcd", CrossView = new CrossViewConfig { Enabled = true } }.CreateDistiller(Model(), Model())).Message;
        Assert.Contains("cross_view applies to cmkd, dist, dkd, kd", notComposable);
        using var vanilla = new DistillerConfig { Method = "ce" }.CreateDistiller(Model(), null);
        Assert.Equal(("ce", null), (vanilla.Method, vanilla.Teacher));
    }
}

internal static class MedianExtension
{
    /// <summary>The lower median of a 1-D tensor's values.</summary>
    public static double Median(this SharpDistill.Torch.Tensor values)
    {
        var sorted = values.ToArray<float>().Order().ToArray();
        return sorted[(sorted.Length - 1) / 2];
    }
}
