using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.NN;

public class ModuleTests
{
    /// <summary>conv(1→2, 3×3) → bn(2) → relu → head: Sequential(flatten, linear(2·4·4 → 3)).</summary>
    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            Conv = RegisterModule("conv", new Conv2d(1, 2, 3, padding: 1));
            Bn = RegisterModule("bn", new BatchNorm2d(2));
            Head = RegisterModule("head", new Sequential(new ReLU(), new Flatten(), new Linear(32, 3), new Dropout(0.5)));
        }

        public Conv2d Conv { get; }
        public BatchNorm2d Bn { get; }
        public Sequential Head { get; }

        public override Tensor Forward(Tensor input)
        {
            using var c = Conv.Forward(input);
            using var b = Bn.Forward(c);
            return Head.Forward(b);
        }
    }

    private sealed class Shared : Module
    {
        public Shared()
        {
            var linear = new Linear(2, 2);
            RegisterModule("a", linear);
            RegisterModule("b", linear);
        }
    }

    [Fact]
    public void NamesParametersBuffersAndChildrenByDottedPath()
    {
        using var net = new Net();
        Assert.Equal(new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "head.2.weight", "head.2.bias" },
            net.NamedParameters().Select(p => p.Key));
        Assert.Equal(new[] { "bn.running_mean", "bn.running_var", "bn.num_batches_tracked" }, net.NamedBuffers().Select(p => p.Key));
        Assert.Equal(new[] { "conv", "bn", "head" }, net.NamedChildren().Select(c => c.Key));
        Assert.Equal(new[] { "", "conv", "bn", "head", "head.0", "head.1", "head.2", "head.3" }, net.NamedModules().Select(m => m.Key));
        Assert.Empty(net.NamedParameters(recurse: false));
        Assert.Equal(new[] { "weight", "bias" }, net.Conv.NamedParameters(recurse: false).Select(p => p.Key));
        Assert.Same(net.Conv.Weight, net.NamedParameters().First().Value);
    }

    [Fact]
    public void CountsParameters()
    {
        using var net = new Net();
        // conv 2·1·3·3 + 2, bn 2 + 2, linear 3·32 + 3
        Assert.Equal(18 + 2 + 4 + 96 + 3, net.ParameterCount());
        // torchvision's resnet-style 3×3 conv without bias and a 512→1000 linear, as a cross-check of the shapes.
        using var conv = new Conv2d(64, 128, 3, bias: false);
        Assert.Equal(64 * 128 * 9, conv.ParameterCount());
        using var fc = new Linear(512, 1000);
        Assert.Equal(513_000, fc.ParameterCount());
    }

    [Fact]
    public void SharedModuleIsListedOnceButSavedUnderEveryPath()
    {
        using var shared = new Shared();
        Assert.Equal(new[] { "a.weight", "a.bias" }, shared.NamedParameters().Select(p => p.Key));
        Assert.Equal(6, shared.ParameterCount());
        using var scope = new TensorScope();
        Assert.Equal(new[] { "a.weight", "a.bias", "b.weight", "b.bias" }, shared.StateDict().Keys);
    }

    [Fact]
    public void RejectsBadOrDuplicateMemberNames()
    {
        Assert.Throws<ArgumentException>(() => new BadName());
        var e = Assert.Throws<ArgumentException>(() => new DuplicateName());
        Assert.Contains("'x' is already registered", e.Message);
    }

    private sealed class BadName : Module
    {
        public BadName() => RegisterModule("a.b", new ReLU());
    }

    private sealed class DuplicateName : Module
    {
        public DuplicateName()
        {
            RegisterModule("x", new ReLU());
            RegisterBuffer("x", Tensors.Zeros(1));
        }
    }

    [Fact]
    public void TrainAndEvalPropagateToEveryDescendant()
    {
        using var net = new Net();
        Assert.All(net.NamedModules(), m => Assert.True(m.Value.Training));
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Value.Training, m.Key));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Value.Training, m.Key));
        // A child registered into an eval-mode parent takes the parent's mode.
        using var seq = new Sequential();
        seq.Eval();
        var dropout = new Dropout();
        seq.Append(dropout);
        Assert.False(dropout.Training);
    }

    [Fact]
    public void EvalModeTurnsDropoutOff()
    {
        using var scope = new TensorScope();
        using var dropout = new Dropout(0.5);
        var x = Tensors.Ones(1000);
        dropout.Eval();
        Assert.True(dropout.Forward(x).Equal(x));
        dropout.Train();
        var y = dropout.Forward(x).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(y.Count(v => v == 0f), 400, 600);
    }

    [Fact]
    public void SetRequiresGradFreezesEveryParameter()
    {
        using var net = new Net();
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
        net.SetRequiresGrad(false);
        Assert.All(net.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.All(net.Buffers(), b => Assert.False(b.RequiresGrad));
        net.SetRequiresGrad(true);
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void ZeroGradClearsGradients()
    {
        using var scope = new TensorScope();
        using var net = new Net();
        var loss = net.Forward(Tensors.Randn(new long[] { 2, 1, 4, 4 })).Sum();
        loss.Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void StateDictRoundTripCopiesValuesIntoAnotherModule()
    {
        using var scope = new TensorScope();
        using var a = new Net();
        using var b = new Net();
        using (Autograd.NoGrad()) a.Bn.RunningMean.Fill_(0.25);
        var state = a.StateDict();
        Assert.Equal(new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
            "bn.num_batches_tracked", "head.2.weight", "head.2.bias" }, state.Keys);
        Assert.All(state.Values, v => Assert.False(v.RequiresGrad));
        b.LoadStateDict(state);
        foreach (var (name, value) in b.StateDict())
            Assert.True(value.Equal(state[name]), name);
        // The loaded values are copies: changing the source afterwards does not change the target.
        using (Autograd.NoGrad()) a.Conv.Weight.Fill_(7);
        Assert.False(b.Conv.Weight.Equal(a.Conv.Weight));
        Assert.True(b.Conv.Weight.RequiresGrad);
    }

    [Fact]
    public void StateDictSharesStorageWithTheModule()
    {
        using var scope = new TensorScope();
        using var linear = new Linear(2, 2);
        var state = linear.StateDict();
        using (Autograd.NoGrad()) linear.Weight.Fill_(3);
        Assert.All(state["weight"].ToArray<float>(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void LoadStateDictNamesMissingUnexpectedAndMisShapedKeysAndChangesNothing()
    {
        using var scope = new TensorScope();
        using var net = new Net();
        var before = net.Conv.Weight.Clone();
        var state = new Net().StateDict();
        state.Remove("bn.running_var");
        state["extra.weight"] = Tensors.Zeros(1);
        state["head.2.weight"] = Tensors.Zeros(3, 31);
        var e = Assert.Throws<StateDictMismatchException>(() => net.LoadStateDict(state));
        Assert.Equal(new[] { "bn.running_var" }, e.Missing);
        Assert.Equal(new[] { "extra.weight" }, e.Unexpected);
        Assert.Single(e.MisShaped);
        Assert.Contains("head.2.weight: expected [3, 32], got [3, 31]", e.Message);
        Assert.Contains("missing keys: bn.running_var", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.True(net.Conv.Weight.Equal(before), "a failed load must not change any parameter");

        // Non-strict loading tolerates missing and unexpected keys but never a wrong shape.
        var shapeError = Assert.Throws<StateDictMismatchException>(() => net.LoadStateDict(state, strict: false));
        Assert.Contains("head.2.weight", shapeError.Message);
        Assert.DoesNotContain("missing keys", shapeError.Message);
        state.Remove("head.2.weight");
        net.LoadStateDict(state, strict: false);
        Assert.True(net.Conv.Weight.Equal(state["conv.weight"]));
    }

    [Fact]
    public void ToConvertsFloatingTensorsInPlaceAndKeepsIntegerBuffers()
    {
        using var scope = new TensorScope();
        using var net = new Net();
        var weight = net.Conv.Weight;
        var loss = net.Forward(Tensors.Randn(new long[] { 2, 1, 4, 4 })).Sum();
        loss.Backward();
        net.To(Device.Cpu, DType.Float64);
        Assert.Same(weight, net.Conv.Weight);
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.Grad!.DType));
        Assert.Equal(DType.Float64, net.Bn.RunningVar.DType);
        Assert.Equal(DType.Int64, net.Bn.NumBatchesTracked.DType);
        using var y = net.Forward(Tensors.Randn(new long[] { 2, 1, 4, 4 }, dtype: DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
        net.To(DType.Float32);
        Assert.Equal(DType.Float32, net.Head[2].NamedParameters().First().Value.DType);
    }

    [CudaFact]
    public void ToCudaWorksWhenAGpuIsPresent()
    {
        using var scope = new TensorScope();
        using var net = new Net();
        net.To(Device.Cuda);
        Assert.All(net.Parameters().Concat(net.Buffers()), t => Assert.Equal(DeviceType.Cuda, t.Device.Type));
        using var y = net.Forward(Tensors.Randn(new long[] { 2, 1, 4, 4 }, device: Device.Cuda));
        Assert.Equal(DeviceType.Cuda, y.Device.Type);
    }

    [Fact]
    public void DisposingAModuleFreesItsTensors()
    {
        var baseline = LiveTensors.Settled();
        var net = new Net();
        Assert.True(TorchRuntime.LiveTensorCount > baseline);
        net.Dispose();
        Assert.Equal(baseline, TorchRuntime.LiveTensorCount);
    }
}
