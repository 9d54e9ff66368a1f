using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class CrldLossTests
{
    private sealed record Views(Tensor StudentWeak, Tensor StudentStrong, Tensor TeacherWeak, Tensor TeacherStrong, Tensor Target);

    private static Views RandomViews(long batch = 6, long classes = 5) => new(
        Randn(10, batch, classes, 2.0).RequiresGrad_(), Randn(11, batch, classes, 2.0).RequiresGrad_(),
        Randn(12, batch, classes, 3.0), Randn(13, batch, classes, 3.0),
        Tensor.FromArray(Enumerable.Range(0, (int)batch).Select(i => (long)(i % classes)).ToArray()));

    private static CrldLossTerms Compute(Views v, CrldSettings settings) =>
        CrldLoss.Compute(v.StudentWeak, v.StudentStrong, v.TeacherWeak, v.TeacherStrong, v.Target, settings);

    [Fact]
    public void AllMasksOffLeavesOnlyCrossEntropyAndNoKdGradient()
    {
        using var scope = new TensorScope();
        var v = RandomViews();
        // Softmax confidences never exceed 1, so thresholds above 1 drop every sample.
        using var terms = Compute(v, new CrldSettings { TauW = 1.01, TauS = 1.01 });
        Assert.All(Values(terms.MaskWeak), m => Assert.Equal(0.0, m));
        Assert.All(Values(terms.MaskStrong), m => Assert.Equal(0.0, m));
        Assert.Equal(0.0, Value(terms.KdWithinView));
        Assert.Equal(0.0, Value(terms.KdCrossView));
        var ce = Value(CrossEntropyLoss.Compute(v.StudentWeak, v.Target)) + Value(CrossEntropyLoss.Compute(v.StudentStrong, v.Target));
        Assert.Equal(ce, Value(terms.Total), 13);

        var kdGrads = Autograd.Grad(new[] { terms.KdWithinView + terms.KdCrossView }, new[] { v.StudentWeak, v.StudentStrong });
        Assert.All(kdGrads, g => Assert.All(Values(g!), x => Assert.Equal(0.0, x)));
        // Autograd.Grad frees the graph: differentiate a fresh evaluation.
        using var again = Compute(v, new CrldSettings { TauW = 1.01, TauS = 1.01 });
        var totalGrads = Autograd.Grad(new[] { again.Total }, new[] { v.StudentWeak, v.StudentStrong });
        var ceOnly = CrossEntropyLoss.Compute(v.StudentWeak, v.Target) + CrossEntropyLoss.Compute(v.StudentStrong, v.Target);
        var ceGrads = Autograd.Grad(new[] { ceOnly }, new[] { v.StudentWeak, v.StudentStrong });
        for (var k = 0; k < 2; k++) AssertClose(Values(ceGrads[k]!), Values(totalGrads[k]!), 1e-14, "gradient with every mask off");
    }

    [Fact]
    public void AllMasksOnIsThePlainWeightedKdSum()
    {
        using var scope = new TensorScope();
        var v = RandomViews();
        var settings = new CrldSettings { TauW = 0, TauS = 0 };
        using var terms = Compute(v, settings);
        Assert.All(Values(terms.MaskWeak), m => Assert.Equal(1.0, m));
        Assert.All(Values(terms.MaskStrong), m => Assert.Equal(1.0, m));
        double Kd(Tensor s, Tensor t) => Value(KdLoss.Compute(s, t, settings.Temperature));
        Assert.Equal(2.0 * (Kd(v.StudentWeak, v.TeacherWeak) + Kd(v.StudentStrong, v.TeacherStrong)), Value(terms.KdWithinView), 12);
        Assert.Equal(0.5 * (Kd(v.StudentStrong, v.TeacherWeak) + Kd(v.StudentWeak, v.TeacherStrong)), Value(terms.KdCrossView), 12);
    }

    [Fact]
    public void WithinViewIsGatedByTheWeakTeacherAndCrossViewByTheStrongTeacher()
    {
        using var scope = new TensorScope();
        // Sample 0: confident weak-view teacher, unsure strong-view teacher; sample 1: the reverse.
        var teacherWeak = Tensor.FromArray(new double[] { 10, 0, 0, 0, 0, 0 }, 2, 3);
        var teacherStrong = Tensor.FromArray(new double[] { 0, 0, 0, 0, 10, 0 }, 2, 3);
        var studentWeak = Tensor.FromArray(new double[] { 1, 2, 3, -1, 0.5, 2 }, 2, 3);
        var studentStrong = Tensor.FromArray(new double[] { 0.3, -2, 1, 2, 2, -1 }, 2, 3);
        var target = Labels(0, 1);
        var settings = new CrldSettings { TauW = 0.9, TauS = 0.9, Temperature = 2.0 };
        using var terms = CrldLoss.Compute(studentWeak, studentStrong, teacherWeak, teacherStrong, target, settings);
        Assert.Equal(new[] { 1.0, 0.0 }, Values(terms.MaskWeak));
        Assert.Equal(new[] { 0.0, 1.0 }, Values(terms.MaskStrong));

        double[] Row(Tensor t, int i) => Values(t).Skip(3 * i).Take(3).ToArray();
        double Kd(Tensor s, Tensor t, int i) => ReferenceFormulas.KdSample(Row(s, i), Row(t, i), 2.0);
        // Divided by the full batch (2), not by the number of kept samples (1).
        var withinView = 2.0 / 2 * (Kd(studentWeak, teacherWeak, 0) + Kd(studentStrong, teacherStrong, 0));
        var crossView = 0.5 / 2 * (Kd(studentStrong, teacherWeak, 1) + Kd(studentWeak, teacherStrong, 1));
        Assert.Equal(withinView, Value(terms.KdWithinView), 12);
        Assert.Equal(crossView, Value(terms.KdCrossView), 12);
    }

    [Fact]
    public void MasksUseSoftmaxAtTemperatureOneAndGreaterOrEqual()
    {
        using var scope = new TensorScope();
        // Confidence 0.95 at T = 1, but only ≈ 0.55 at T = 4: the mask must keep it for τ = 0.9.
        var teacher = Tensor.FromArray(new[] { Math.Log(0.95), Math.Log(0.03), Math.Log(0.02) }, 1, 3);
        Assert.Equal(1.0, Values(CrldLoss.ConfidenceMask(teacher, 0.9, DType.Float64))[0]);
        var confidence = Values(F.Softmax(teacher, 1)).Max();
        Assert.Equal(1.0, Values(CrldLoss.ConfidenceMask(teacher, confidence, DType.Float64))[0]);
        Assert.Equal(0.0, Values(CrldLoss.ConfidenceMask(teacher, Math.BitIncrement(confidence), DType.Float64))[0]);
    }

    [Fact]
    public void SingleSampleBatchAndGradientsMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        var v = RandomViews(batch: 1);
        var settings = new CrldSettings { TauW = 0, TauS = 0 };
        using (var terms = Compute(v, settings))
            Assert.True(Value(terms.Total) > 0);

        var bigger = RandomViews(batch: 4);
        var mixed = new CrldSettings { TauW = 0.5, TauS = 0.3, Temperature = 2.0 };
        Tensor LossOfWeak(Tensor sw) => CrldLoss.Compute(sw, bigger.StudentStrong.Detach(), bigger.TeacherWeak, bigger.TeacherStrong, bigger.Target, mixed).Total;
        Tensor LossOfStrong(Tensor ss) => CrldLoss.Compute(bigger.StudentWeak.Detach(), ss, bigger.TeacherWeak, bigger.TeacherStrong, bigger.Target, mixed).Total;
        AssertClose(FiniteDifferenceGradient(bigger.StudentWeak, LossOfWeak), AutogradGradient(bigger.StudentWeak, LossOfWeak), 1e-6, "∂CRLD/∂z_sw");
        AssertClose(FiniteDifferenceGradient(bigger.StudentStrong, LossOfStrong), AutogradGradient(bigger.StudentStrong, LossOfStrong), 1e-6, "∂CRLD/∂z_ss");
    }

    [Fact]
    public void RejectsMismatchedViews()
    {
        using var scope = new TensorScope();
        var v = RandomViews();
        var wrong = Randn(1, 6, 4);
        var e = Assert.Throws<ArgumentException>(() =>
            CrldLoss.Compute(v.StudentWeak, v.StudentStrong, wrong, v.TeacherStrong, v.Target, new CrldSettings()));
        Assert.Contains("teacherWeak", e.Message);
        Assert.Contains("[6, 4]", e.Message);
        Assert.Contains("CRLD", e.Message);
        Assert.Throws<ArgumentException>(() => Compute(v, new CrldSettings { Temperature = 0 }));
        Assert.Throws<ArgumentException>(() =>
            CrldLoss.Compute(v.StudentWeak, v.StudentStrong, v.TeacherWeak, v.TeacherStrong, Labels(0, 1), new CrldSettings()));
    }
}
