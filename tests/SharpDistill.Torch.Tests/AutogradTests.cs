namespace SharpDistill.Torch.Tests;

public class AutogradTests
{
    private static Tensor Leaf(params double[] values) => Tensor.FromArray(values).RequiresGrad_();

    [Fact]
    public void BackwardOfAScalarNeedsNoGradient()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2, 3);
        Assert.True(x.RequiresGrad);
        Assert.True(x.IsLeaf);
        Assert.Null(x.Grad);
        var y = (x * x).Sum();
        Assert.False(y.IsLeaf);
        y.Backward();
        Expect.Close(new double[] { 2, 4, 6 }, x.Grad!, 0);
    }

    [Fact]
    public void BackwardOfATensorTakesTheOutputGradient()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2, 3);
        var y = x * x;
        y.Backward(Tensor.FromArray(new double[] { 1, 0.5, 2 }));
        Expect.Close(new double[] { 2, 2, 12 }, x.Grad!, 0); // 2x · g
    }

    [Fact]
    public void GradientsAccumulateUntilCleared()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        (x * 3).Sum().Backward();
        (x * x).Sum().Backward();
        Expect.Close(new double[] { 5, 7 }, x.Grad!, 0); // 3 + 2x
        x.Grad = null;
        Assert.Null(x.Grad);
        (x * 3).Sum().Backward();
        Expect.Close(new double[] { 3, 3 }, x.Grad!, 0);
        x.Grad = Tensors.ZerosLike(x);
        (x * 4).Sum().Backward();
        Expect.Close(new double[] { 4, 4 }, x.Grad!, 0);
    }

    [Fact]
    public void TrainingStepsInScopesLeaveNoTensorsBehind()
    {
        using var g = new Generator(12);
        var weight = Tensors.Randn(new long[] { 4, 3, 3, 3 }, g).RequiresGrad_();
        var head = Tensors.Randn(new long[] { 5, 4 }, g).RequiresGrad_();
        var runningMean = Tensors.Zeros(4);
        var runningVar = Tensors.Ones(4);
        var labels = Tensor.FromArray(new long[] { 0, 4 });
        var baseline = LiveTensors.Settled();
        for (var step = 0; step < 20; step++)
        {
            using var scope = new TensorScope();
            var x = Tensors.Randn(new long[] { 2, 3, 8, 8 }, g);
            var features = F.Relu(F.BatchNorm(F.Conv2d(x, weight, padding: 1), runningMean, runningVar, training: true));
            var pooled = F.AdaptiveAvgPool2d(F.MaxPool2d(features, 2), 1).Flatten(1);
            var logits = F.Linear(pooled, head);
            var loss = F.CrossEntropy(logits, labels, labelSmoothing: 0.1)
                       + F.KlDiv(F.LogSoftmax(logits, 1), F.Softmax(logits.Detach(), 1), KlReduction.BatchMean, false);
            loss.Backward();
            using (Autograd.NoGrad())
            {
                weight.Add_(weight.Grad!, -0.01);
                weight.Grad = null;
                head.Grad = null;
            }
        }
        Assert.Equal(baseline, LiveTensors.Settled());
        foreach (var t in new[] { weight, head, runningMean, runningVar, labels }) t.Dispose();
    }

    [Fact]
    public void SetDataSwapsTheDataButKeepsTheTensorsIdentity()
    {
        using var scope = new TensorScope();
        var parameter = Tensors.Zeros(2).RequiresGrad_();
        var heldByALayer = parameter.Alias();
        parameter.SetData(Tensor.FromArray(new double[] { 1, 2, 3 }));
        Assert.Equal(DType.Float64, heldByALayer.DType);
        Assert.Equal(new double[] { 1, 2, 3 }, heldByALayer.ToArray<double>());
        Assert.True(heldByALayer.RequiresGrad);
        Assert.True(heldByALayer.IsLeaf);
        (heldByALayer * heldByALayer).Sum().Backward();
        Expect.Close(new double[] { 2, 4, 6 }, parameter.Grad!, 0);
    }

    [Fact]
    public void AnAssignedGradMustMatchTheTensor()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        Assert.Contains("assigned grad has data of a different size: expected [2], got [3]",
            Assert.Throws<TorchArgumentException>(() => x.Grad = Tensors.Zeros(new long[] { 3 }, DType.Float64)).Message);
        Assert.Contains("assigned grad has data of a different type: expected Double, got Float",
            Assert.Throws<TorchTypeException>(() => x.Grad = Tensors.Zeros(2)).Message);
        Assert.Null(x.Grad);
        x.Grad = Tensor.FromArray(new double[] { 0.5, 0.25 });
        Expect.Close(new[] { 0.5, 0.25 }, x.Grad!, 0);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackward()
    {
        using var scope = new TensorScope();
        var x = Leaf(2);
        var y = (x * x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Expect.Close(new double[] { 24 }, x.Grad!, 0); // 2 · 3x²
        var e = Assert.Throws<TorchArgumentException>(() => y.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
    }

    [Fact]
    public void CreateGraphGivesSecondDerivatives()
    {
        using var scope = new TensorScope();
        var x = Leaf(2);
        var dx = Autograd.Grad(new[] { (x * x * x).Sum() }, new[] { x }, createGraph: true)[0]!;
        Expect.Close(new double[] { 12 }, dx, 0);  // 3x²
        dx.Sum().Backward();
        Expect.Close(new double[] { 12 }, x.Grad!, 0); // 6x
    }

    [Fact]
    public void DetachCutsTheGraphButSharesStorage()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2, 3);
        var y = x * 2;
        var d = y.Detach();
        Assert.False(d.RequiresGrad);
        (d * x).Sum().Backward();
        Expect.Close(new double[] { 2, 4, 6 }, x.Grad!, 0); // d is a constant: not 4x
        d.Fill_(0);
        Expect.Close(new double[] { 0, 0, 0 }, y, 0);
    }

    [Fact]
    public void GradOfAnIntermediateIsNotKept()
    {
        using var scope = new TensorScope();
        var x = Leaf(1);
        var y = x * 2;
        (y * y).Sum().Backward();
        Assert.Null(y.Grad);
        Expect.Close(new double[] { 8 }, x.Grad!, 0);
    }

    [Fact]
    public void NoGradStopsRecordingAndRestoresTheState()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        Assert.True(Autograd.IsGradEnabled);
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsGradEnabled);
            Assert.False((x * 2).RequiresGrad);
            using (Autograd.EnableGrad())
            {
                Assert.True(Autograd.IsGradEnabled);
                Assert.True((x * 2).RequiresGrad);
            }
            Assert.False(Autograd.IsGradEnabled);
            using (Autograd.NoGrad()) Assert.False(Autograd.IsGradEnabled);
            Assert.False(Autograd.IsGradEnabled); // an inner NoGrad restores "disabled", not "enabled"
        }
        Assert.True(Autograd.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void NoGradScopeRestoresEvenWhenAnOperationThrows()
    {
        using var scope = new TensorScope();
        try
        {
            using (Autograd.NoGrad()) Tensors.Ones(2).Add(Tensors.Ones(3));
        }
        catch (TorchArgumentException) { }
        Assert.True(Autograd.IsGradEnabled);
        var scopeObject = Autograd.NoGrad();
        scopeObject.Dispose();
        scopeObject.Dispose(); // a second dispose changes nothing
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public void NoGradMustEndOnItsOwnThread()
    {
        var noGrad = Autograd.NoGrad();
        try
        {
            Exception? error = null;
            var other = new Thread(() => error = Record.Exception(noGrad.Dispose));
            other.Start();
            other.Join();
            Assert.IsType<InvalidOperationException>(error);
            Assert.False(Autograd.IsGradEnabled);
        }
        finally
        {
            noGrad.Dispose();
        }
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public void InferenceModeDisablesAutogradAndRestores()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        Assert.False(Autograd.IsInferenceMode);
        using (Autograd.InferenceMode())
        {
            Assert.True(Autograd.IsInferenceMode);
            Assert.False(Autograd.IsGradEnabled);
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            Expect.Close(new double[] { 2, 4 }, y, 0);
            using (Autograd.InferenceMode()) Assert.True(Autograd.IsInferenceMode);
            Assert.True(Autograd.IsInferenceMode);
        }
        Assert.False(Autograd.IsInferenceMode);
        Assert.True(Autograd.IsGradEnabled);
        using (Autograd.NoGrad())
        {
            using (Autograd.InferenceMode()) Assert.True(Autograd.IsInferenceMode);
            Assert.False(Autograd.IsGradEnabled); // back to NoGrad's state, not to "enabled"
        }
    }

    [Fact]
    public void InferenceTensorsCannotJoinAutogradLater()
    {
        using var scope = new TensorScope();
        Tensor frozen;
        using (Autograd.InferenceMode()) frozen = Tensor.FromArray(new double[] { 1, 2 }) * 3;
        var x = Leaf(1, 1);
        var e = Assert.Throws<TorchArgumentException>(() => (x * frozen).Sum().Backward());
        Assert.Contains("Inference tensors cannot be saved for backward", e.Message);
        // a clone made outside inference mode is an ordinary tensor
        (x * frozen.Clone()).Sum().Backward();
        Expect.Close(new double[] { 3, 6 }, x.Grad!, 0);
    }

    [Fact]
    public void InferenceModeMustEndOnItsOwnThread()
    {
        var mode = Autograd.InferenceMode();
        try
        {
            Exception? error = null;
            var other = new Thread(() => error = Record.Exception(mode.Dispose));
            other.Start();
            other.Join();
            Assert.IsType<InvalidOperationException>(error);
            Assert.Contains("thread", error!.Message);
            Assert.True(Autograd.IsInferenceMode);
        }
        finally
        {
            mode.Dispose();
        }
        Assert.False(Autograd.IsInferenceMode);
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public void AutogradGradReturnsGradientsWithoutTouchingDotGrad()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        var w = Leaf(3);
        var unused = Leaf(0);
        var y = (x * x * w).Sum();
        var grads = Autograd.Grad(new[] { y }, new[] { x, w, unused });
        Expect.Close(new double[] { 6, 12 }, grads[0]!, 0);  // 2xw
        Expect.Close(new double[] { 5 }, grads[1]!, 0);      // Σx²
        Assert.Null(grads[2]);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void AutogradGradOfATensorOutputTakesGradOutputs()
    {
        using var scope = new TensorScope();
        var x = Leaf(1, 2);
        var y = x * x;
        var g = Autograd.Grad(new[] { y }, new[] { x }, new[] { Tensor.FromArray(new double[] { 10, 1 }) })[0]!;
        Expect.Close(new double[] { 20, 4 }, g, 0);
        var e = Assert.Throws<TorchArgumentException>(() =>
            Autograd.Grad(new[] { x * 2, x * 3 }, new[] { x }, new[] { Tensors.OnesLike(x) }));
        Assert.Contains("1 gradOutputs for 2 outputs", e.Message);
    }
}
