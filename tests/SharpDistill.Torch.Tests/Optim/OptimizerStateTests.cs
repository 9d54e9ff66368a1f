using SharpDistill.Torch.NN;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Optim.Schedules;

namespace SharpDistill.Torch.Tests.Optim;

public class OptimizerStateTests
{
    /// <summary>Two float32 parameters and a deterministic, step-dependent quadratic loss.</summary>
    private static (Tensor W, Tensor B) Parameters(float[]? w = null, float[]? b = null) =>
        (Tensor.FromArray(w ?? new[] { 0.5f, -1f, 2f, 0.25f }, 2, 2).RequiresGrad_(), Tensor.FromArray(b ?? new[] { 0.1f, -0.3f }).RequiresGrad_());

    /// <summary>SGD with momentum after one step on <see cref="Parameters"/>, and its state dict; disposes all of them.</summary>
    private sealed class OneSgdStep : IDisposable
    {
        public OneSgdStep()
        {
            (W, B) = Parameters();
            Sgd = new Sgd(new[] { W, B }, new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
            TrainSteps(Sgd, W, B, 0, 1);
            State = Sgd.StateDict();
        }

        public Tensor W { get; }
        public Tensor B { get; }
        public Sgd Sgd { get; }
        public OptimizerStateDict State { get; }

        public void Dispose()
        {
            State.Dispose();
            Sgd.Dispose();
            W.Dispose();
            B.Dispose();
        }
    }

    private static void TrainSteps(Optimizer optimizer, Tensor w, Tensor b, int from, int count)
    {
        for (var step = from; step < from + count; step++)
            using (new TensorScope())
            {
                optimizer.ZeroGrad();
                var x = Tensor.FromArray(new[] { 1f + step, -0.5f * step }, 1, 2);
                var y = x.MatMul(w) + b;
                var loss = (y * y).Sum() + (w * w * w).Sum() * 0.1f;
                loss.Backward();
                optimizer.Step();
            }
    }

    private static IEnumerable<Func<Tensor, Tensor, Optimizer>> Optimizers()
    {
        yield return (w, b) => new Sgd(new[]
        {
            new ParamGroup<SgdOptions>(new[] { w }, new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4, Nesterov = true }),
            new ParamGroup<SgdOptions>(new[] { b }, new SgdOptions { LearningRate = 0.02, Momentum = 0.8, Dampening = 0.1 }),
        });
        yield return (w, b) => new Adam(new[] { w, b }, new AdamOptions { LearningRate = 0.01, Amsgrad = true, WeightDecay = 1e-3 });
        yield return (w, b) => new AdamW(new[] { w, b }, AdamOptions.ForAdamW(0.01));
    }

    [Fact]
    public void RoundTripGivesIdenticalContinuedUpdates()
    {
        foreach (var make in Optimizers())
        {
            var (w, b) = Parameters();
            using var _w = w;
            using var _b = b;
            using var first = make(w, b);
            TrainSteps(first, w, b, 0, 3);
            first.ParamGroups[0].LearningRate *= 0.5; // a scheduled rate must survive the round trip too
            using var snapshot = first.StateDict();
            var (w2, b2) = Parameters(w.ToArray<float>(), b.ToArray<float>());
            using var _w2 = w2;
            using var _b2 = b2;
            TrainSteps(first, w, b, 3, 4);

            using var resumed = make(w2, b2);
            resumed.LoadStateDict(snapshot);
            TrainSteps(resumed, w2, b2, 3, 4);
            Assert.True(w.Equal(w2), $"{first.Name}: weights differ after resuming");
            Assert.True(b.Equal(b2), $"{first.Name}: biases differ after resuming");
            Assert.Equal(first.ParamGroups[0].LearningRate, resumed.ParamGroups[0].LearningRate);
        }
    }

    [Fact]
    public void RoundTripThroughAFileIsExact()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sd-optim-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (w, b) = Parameters();
            using var _w = w;
            using var _b = b;
            using var adam = new Adam(new[] { w, b }, new AdamOptions { LearningRate = 0.01, Amsgrad = true });
            TrainSteps(adam, w, b, 0, 3);
            using (var state = adam.StateDict()) state.Save(path);
            var (w2, b2) = Parameters(w.ToArray<float>(), b.ToArray<float>());
            using var _w2 = w2;
            using var _b2 = b2;
            using var resumed = new Adam(new[] { w2, b2 }, new AdamOptions { LearningRate = 0.5 });
            using (var loaded = OptimizerStateDict.Load(path))
            {
                Assert.Equal("Adam", loaded.Optimizer);
                Assert.Equal(3, loaded.Numbers["state.0.step"]);
                Assert.Equal(new[] { "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.1.exp_avg", "state.1.exp_avg_sq", "state.1.max_exp_avg_sq" },
                    loaded.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
                resumed.LoadStateDict(loaded);
            }
            Assert.True(resumed.Groups[0].Options.Amsgrad);
            Assert.Equal(0.01, resumed.Groups[0].Options.LearningRate);
            TrainSteps(adam, w, b, 3, 2);
            TrainSteps(resumed, w2, b2, 3, 2);
            Assert.True(w.Equal(w2));
            Assert.True(b.Equal(b2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StateDictHasPyTorchStyleKeys()
    {
        using var run = new OneSgdStep();
        var (w, b, sgd, state) = (run.W, run.B, run.Sgd, run.State);
        Assert.Equal("SGD", state.Optimizer);
        Assert.Equal(new[] { "state.0.momentum_buffer", "state.1.momentum_buffer" }, state.Tensors.Keys.OrderBy(k => k));
        Assert.Equal(0.1, state.Numbers["param_groups.0.lr"]);
        Assert.Equal(0.1, state.Numbers["param_groups.0.initial_lr"]);
        Assert.Equal(0.9, state.Numbers["param_groups.0.momentum"]);
        Assert.Equal(2, state.Numbers["param_groups.0.params"]);
        Assert.Equal(0, state.Numbers["param_groups.0.nesterov"]);
        // The snapshot is a copy: further steps do not change it.
        var before = state.Tensors["state.0.momentum_buffer"].ToArray<float>();
        TrainSteps(sgd, w, b, 1, 1);
        Assert.Equal(before, state.Tensors["state.0.momentum_buffer"].ToArray<float>());
    }

    [Fact]
    public void MismatchedStatesAreRejectedWithoutChangingAnything()
    {
        using var run = new OneSgdStep();
        var (w, b, sgd, state) = (run.W, run.B, run.Sgd, run.State);

        using (var adam = new Adam(new[] { w, b }))
            Assert.Contains("written by SGD, it cannot be loaded into Adam", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(state)).Message);

        using (var twoGroups = new Sgd(new[] { new ParamGroup<SgdOptions>(new[] { w }, new SgdOptions()), new ParamGroup<SgdOptions>(new[] { b }, new SgdOptions()) }))
        {
            var e = Assert.Throws<ArgumentException>(() => twoGroups.LoadStateDict(state));
            Assert.Contains("parameter group 0 has 1 parameters but the state has 2", e.Message);
            Assert.Contains("parameter group 1 is missing", e.Message);
        }

        using var other = Tensor.FromArray(new[] { 1f, 2f, 3f }).RequiresGrad_();
        using var wrongShapes = new Sgd(new[] { w, other }, new SgdOptions { LearningRate = 0.3 });
        var shapeError = Assert.Throws<ArgumentException>(() => wrongShapes.LoadStateDict(state));
        Assert.Contains("'state.1.momentum_buffer' has shape [2] but parameter 1 has [3]", shapeError.Message);
        Assert.Equal(0.3, wrongShapes.ParamGroups[0].LearningRate);
        Assert.True(wrongShapes.State(0).IsEmpty);

        var numbers = new Dictionary<string, double>(state.Numbers) { ["param_groups.0.betas"] = 0.9 };
        numbers.Remove("param_groups.0.dampening");
        var badGroup = new OptimizerStateDict("SGD", state.Tensors, numbers);
        Assert.Contains("parameter group 0: optimizer state has no hyperparameter 'dampening'",
            Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(badGroup)).Message);
        numbers["param_groups.0.dampening"] = 0;
        Assert.Contains("parameter group 0: unexpected hyperparameters betas",
            Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(badGroup)).Message);
        numbers.Remove("param_groups.0.betas");
        numbers["param_groups.0.momentum"] = -1;
        Assert.Contains("invalid momentum value: -1", Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(badGroup)).Message);
        Assert.Equal(0.9, sgd.Groups[0].Options.Momentum);

        var extra = new Dictionary<string, Tensor>(state.Tensors) { ["state.0.velocity"] = state.Tensors["state.0.momentum_buffer"] };
        var withExtra = new OptimizerStateDict("SGD", extra, state.Numbers);
        Assert.Contains("unexpected tensor 'state.0.velocity'", Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(withExtra)).Message);
    }

    [Fact]
    public void SchedulesSetEveryGroupFromItsOwnBaseRate()
    {
        var (w, b) = Parameters();
        using var _w = w;
        using var _b = b;
        using var sgd = new Sgd(new[]
        {
            new ParamGroup<SgdOptions>(new[] { w }, new SgdOptions { LearningRate = 0.05 }),
            new ParamGroup<SgdOptions>(new[] { b }, new SgdOptions { LearningRate = 0.01 }),
        });
        var schedule = new MultiStepSchedule(new[] { 150, 180, 210 });
        sgd.SetLearningRate(schedule, 151);
        Assert.Equal(0.005, sgd.ParamGroups[0].LearningRate, 15);
        Assert.Equal(0.001, sgd.ParamGroups[1].LearningRate, 15);
        Assert.Equal(0.05, sgd.ParamGroups[0].InitialLearningRate);
        // The applied rate is what the update uses: p −= lr·g.
        using (var g = Tensors.OnesLike(w)) w.Grad = g;
        var before = w.ToArray<float>();
        sgd.Step();
        Assert.Equal(before.Select(v => v - 0.005f), w.ToArray<float>());
    }

    [Fact]
    public void SplitsWeightsFromBiasesAndNormParameters()
    {
        using var net = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(2, 3));
        var (decay, noDecay) = ParameterGroups.SplitForWeightDecay(net);
        var names = net.NamedParameters().ToDictionary(p => p.Value, p => p.Key, (IEqualityComparer<Tensor>)ReferenceEqualityComparer.Instance);
        Assert.Equal(new[] { "0.weight", "3.weight" }, decay.Select(p => names[p]));
        Assert.Equal(new[] { "0.bias", "1.weight", "1.bias", "3.bias" }, noDecay.Select(p => names[p]));

        var groups = ParameterGroups.NoDecayOnBiasAndNorm(net, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 5e-4 });
        Assert.Equal(5e-4, groups[0].Options.WeightDecay);
        Assert.Equal(0, groups[1].Options.WeightDecay);
        Assert.Equal(0.9, groups[1].Options.Momentum);

        // With zero gradients only the decayed group moves.
        using var sgd = new Sgd(groups);
        foreach (var p in net.Parameters())
            using (var zero = Tensors.ZerosLike(p)) p.Grad = zero;
        using var scope = new TensorScope();
        var before = net.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone());
        sgd.Step();
        Assert.False(before["0.weight"].Equal(net.StateDict()["0.weight"]));
        Assert.True(before["0.bias"].Equal(net.StateDict()["0.bias"]));
        Assert.True(before["1.weight"].Equal(net.StateDict()["1.weight"]));

        // Frozen parameters are not handed to the optimizer at all.
        net[0].SetRequiresGrad(false);
        var (decayAfter, noDecayAfter) = ParameterGroups.SplitForWeightDecay(net);
        Assert.Single(decayAfter);
        Assert.Equal(3, noDecayAfter.Count);
    }
}
