using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class LossLeakTests
{
    /// <summary>
    /// Every loss, forward and backward, called outside any scope: once the caller disposes what it
    /// owns (inputs, results, gradients) the live-tensor count must be back at its baseline without
    /// help from the garbage collector, so no intermediate was left for the finalizer.
    /// </summary>
    [Fact]
    public void EveryLossAndItsBackwardLeaveNoLiveTensors()
    {
        RunEveryLoss(); // warm-up: lazily created native state is not a leak
        var baseline = LiveTensors.Settled();
        RunEveryLoss();
        Assert.Equal(baseline, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void ResultsMoveToTheCallersScope()
    {
        using var outer = new TensorScope();
        var student = Randn(1, 4, 5);
        var teacher = Randn(2, 4, 5);
        var before = outer.OwnedCount;
        var loss = KdLoss.Compute(student, teacher, 4.0);
        Assert.Equal(before + 1, outer.OwnedCount);
        Assert.False(loss.IsDisposed);
    }

    private static void RunEveryLoss()
    {
        var inputs = new List<Tensor>();
        Tensor Keep(Tensor t) { inputs.Add(t); return t; }
        var student = Keep(Randn(1, 6, 5).RequiresGrad_());
        var studentStrong = Keep(Randn(2, 6, 5).RequiresGrad_());
        var teacher = Keep(Randn(3, 6, 5));
        var teacherStrong = Keep(Randn(4, 6, 5));
        var target = Keep(Labels(0, 1, 2, 3, 4, 0));
        var theta = Keep(Tensor.FromScalar(1.0).RequiresGrad_());
        var bias = Keep(Tensor.FromScalar(0.0).RequiresGrad_());

        Backward(CrossEntropyLoss.Compute(student, target));
        Backward(KdLoss.Compute(student, teacher, 4.0));
        using (var perSample = KdLoss.PerSample(student, teacher, 4.0)) { }
        using (var dkd = DkdLoss.Compute(student, teacher, target, 1.0, 8.0, 4.0)) Backward(dkd.Total, dispose: false);
        using (var dist = DistLoss.Compute(student, teacher, 2.0, 2.0, 4.0)) Backward(dist.Total, dispose: false);
        using (var crld = CrldLoss.Compute(student, studentStrong, teacher, teacherStrong, target, new CrldSettings())) Backward(crld.Total, dispose: false);
        using (var dcd = DcdLoss.Compute(student, studentStrong, theta, bias, 0.5, 10.0)) Backward(dcd.Total, dispose: false);
        using (var cmkd = CmkdLoss.Compute(student, teacher, target, new CmkdSettings())) Backward(cmkd.Total, dispose: false);
        using (var ranks = SoftRank.Compute(student)) Backward(ranks.Sum());

        foreach (var input in inputs)
        {
            // Reading a gradient returns a new handle: dispose it too.
            if (input.RequiresGrad) input.Grad?.Dispose();
            input.Dispose();
        }
    }

    private static void Backward(Tensor loss, bool dispose = true)
    {
        loss.Backward();
        if (dispose) loss.Dispose();
    }
}
