namespace SharpDistill.Torch.Tests;

/// <summary>
/// Misuse raises a typed .NET exception carrying libtorch's own message, and the process (and the
/// engine) carry on normally afterwards: no C++ exception ever crosses the native boundary.
/// </summary>
public class FailureTests
{
    [Fact]
    public void ShapeMismatchesAreArgumentErrors()
    {
        using var scope = new TensorScope();
        var a = Tensors.Ones(2, 3);
        Assert.Contains("must match the size of tensor b (4) at non-singleton dimension 1",
            Assert.Throws<TorchArgumentException>(() => a + Tensors.Ones(4)).Message);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
            Assert.Throws<TorchArgumentException>(() => a.MatMul(a)).Message);
        Assert.Contains("shape '[4, 2]' is invalid for input of size 6",
            Assert.Throws<TorchArgumentException>(() => a.View(4, 2)).Message);
        Assert.Contains("shape '[5]' is invalid for input of size 6",
            Assert.Throws<TorchArgumentException>(() => a.Reshape(5)).Message);
        Assert.Contains("Sizes of tensors must match except in dimension 1",
            Assert.Throws<TorchArgumentException>(() => Tensors.Cat(new[] { a, Tensors.Ones(3, 3) }, 1)).Message);
        Assert.Contains("expected input[1, 3, 4, 4] to have 2 channels, but got 3 channels",
            Assert.Throws<TorchArgumentException>(() => F.Conv2d(Tensors.Ones(1, 3, 4, 4), Tensors.Ones(2, 2, 3, 3))).Message);
        Assert.Contains("data holds 12 bytes but the shape needs 16",
            Assert.Throws<TorchArgumentException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2)).Message);
        Assert.Contains("running_mean should contain 3 elements not 4",
            Assert.Throws<TorchArgumentException>(() => F.BatchNorm(Tensors.Ones(2, 3, 2, 2), Tensors.Zeros(4), Tensors.Ones(4))).Message);
    }

    [Fact]
    public void WrongDTypesAreRefused()
    {
        using var scope = new TensorScope();
        var x = Tensors.Ones(2, 3);
        Assert.Contains("gather(): Expected dtype int",  // "int64" in libtorch 1.13, "int32/int64" in 2.x
            Assert.Throws<TorchArgumentException>(() => x.Gather(1, Tensors.Zeros(2, 1))).Message);
        Assert.Contains("expected scalar type Long but found Float",
            Assert.Throws<TorchArgumentException>(() => F.CrossEntropy(x, Tensors.Zeros(2))).Message);
        Assert.Contains("RNG state must be a torch.ByteTensor",
            Assert.Throws<TorchTypeException>(() => new Generator(1).SetState(Tensors.Zeros(3))).Message);
        Assert.Contains("floating point and complex dtype can require gradients",
            Assert.Throws<TorchArgumentException>(() => Tensor.FromArray(new long[] { 1 }).RequiresGrad = true).Message);
        var ints = Tensor.FromArray(new long[] { 1, 2 });
        Assert.Contains("cannot copy a Int64 tensor into a Single buffer",
            Assert.Throws<TorchTypeException>(() => ints.ToArray<float>()).Message);
        Assert.Contains("Input dtype must be either a floating point or complex dtype. Got: Long",
            Assert.Throws<TorchArgumentException>(() => ints.Mean()).Message);
    }

    [Fact]
    public void OutOfRangeIndicesAreRefused()
    {
        using var scope = new TensorScope();
        var x = Tensors.Ones(2, 3);
        Assert.Contains("index 5 out of range for tensor of size [2, 3] at dimension 0",
            Assert.Throws<TorchIndexException>(() => x.Select(0, 5)).Message);
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 5)",
            Assert.Throws<TorchIndexException>(() => x.ArgMax(5)).Message);
        Assert.Contains("index out of range in self",
            Assert.Throws<TorchIndexException>(() => x.IndexSelect(0, Tensor.FromArray(new long[] { 7 }))).Message);
        Assert.Contains("Target 9 is out of bounds",
            Assert.Throws<TorchIndexException>(() => F.CrossEntropy(x, Tensor.FromArray(new long[] { 9, 0 }))).Message);
        // libtorch reports gather's and scatter's bad indices with a plain TORCH_CHECK
        Assert.Contains("index 5 is out of bounds for dimension 1 with size 3",
            Assert.Throws<TorchArgumentException>(() => x.Gather(1, Tensor.FromArray(new long[] { 5, 0 }, 2, 1))).Message);
        Assert.Contains("index 5 is out of bounds for dimension 1 with size 3",
            Assert.Throws<TorchArgumentException>(() => x.Scatter(1, Tensor.FromArray(new long[] { 5, 0 }, 2, 1), 1.0)).Message);
    }

    [Fact]
    public void OutOfRangeTensorIndicesAreRefused()
    {
        using var scope = new TensorScope();
        var x = Tensors.Ones(2, 3);
        Assert.Contains("index 2 is out of bounds for dimension 0 with size 2", Assert.Throws<TorchIndexException>(() => x[2]).Message);
        Assert.Contains("index ^3 is out of bounds for dimension 0 with size 2", Assert.Throws<TorchIndexException>(() => x[-3]).Message);
        Assert.Contains("index 3 is out of bounds for dimension 1 with size 3", Assert.Throws<TorchIndexException>(() => x[.., 3]).Message);
        Assert.Contains("too many indices (3) for a tensor of 2 dimensions", Assert.Throws<TorchIndexException>(() => x[0, 0, 0]).Message);
        Assert.Throws<TorchIndexException>(() => x[5_000_000_000L]);
        Assert.Throws<TorchArgumentException>(() => TensorIndex.Step(.., 0));
        Assert.Throws<TorchIndexException>(() => x.Size(2));
    }

    [Fact]
    public void DisposedTensorsCannotBeUsed()
    {
        using var scope = new TensorScope();
        var live = Tensors.Ones(2);
        var dead = Tensors.Ones(2);
        dead.Dispose();
        dead.Dispose(); // disposing twice is harmless
        Assert.True(dead.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => dead.Exp());
        Assert.Throws<ObjectDisposedException>(() => live + dead);
        Assert.Throws<ObjectDisposedException>(() => Tensors.Cat(new[] { live, dead }));
        Assert.Throws<ObjectDisposedException>(() => dead.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => dead.Shape);
        Assert.Throws<ObjectDisposedException>(() => dead[0]);
        Assert.Throws<ObjectDisposedException>(() => F.Linear(live.View(1, 2), Tensors.Ones(1, 2), dead.View(1)));
        Assert.Throws<ObjectDisposedException>(() => Autograd.Grad(new[] { live }, new[] { dead }));
        Assert.Equal(new float[] { 2, 2 }, (live * 2).ToArray<float>());
    }

    [Fact]
    public void MisusedAutogradAndEmptyArgumentsAreRefused()
    {
        using var scope = new TensorScope();
        Assert.Contains("element 0 of tensors does not require grad and does not have a grad_fn",
            Assert.Throws<TorchArgumentException>(() => Tensors.Ones(2).Sum().Backward()).Message);
        var x = Tensors.Ones(2).RequiresGrad_();
        Assert.Contains("grad can be implicitly created only for scalar outputs",
            Assert.Throws<TorchArgumentException>(() => (x * 2).Backward()).Message);
        Assert.Contains("invalid gradient at index 0 - got [3] but expected shape compatible with [2]",
            Assert.Throws<TorchArgumentException>(() => (x * 2).Backward(Tensors.Ones(3))).Message);
        Assert.Contains("torch.cat(): expected a non-empty list of Tensors",
            Assert.Throws<TorchArgumentException>(() => Tensors.Cat(Array.Empty<Tensor>())).Message);
        Assert.Contains("default(TensorIndex) is not an index",
            Assert.Throws<TorchArgumentException>(() => x[default(TensorIndex)]).Message);
        Assert.Contains("a Tensor with 2 elements cannot be converted to Scalar",
            Assert.Throws<TorchArgumentException>(() => x.ToDouble()).Message);
        Assert.Throws<TorchArgumentException>(() => x.Chunk(0));
        var empty = Tensors.Zeros(0);
        Assert.Contains("numel() == 0", Assert.Throws<TorchArgumentException>(() => empty.Max()).Message);
        Assert.Contains("a Tensor with 0 elements cannot be converted to Scalar",
            Assert.Throws<TorchArgumentException>(() => empty.ToDouble()).Message);
    }

    [Fact]
    public void ManyFailuresInARowLeaveTheEngineWorkingAndLeakNothing()
    {
        var baseline = LiveTensors.Settled();
        using (var scope = new TensorScope())
        {
            var x = Tensors.Ones(2, 3);
            var dead = Tensors.Ones(1);
            dead.Dispose();
            var failures = new Action[]
            {
                () => x.MatMul(x),
                () => x.View(7),
                () => x.Select(1, 9),
                () => _ = x[0, 5], // fails after a first view was made: that view must be freed too
                () => x.Gather(0, x),
                () => x.ToArray<long>(),
                () => dead.Neg(),
                () => x.Sum().Backward(),
                () => F.KlDiv(x, Tensors.Ones(3, 2), KlReduction.BatchMean, false),
                () => Tensors.Zeros(-1),
            };
            for (var round = 0; round < 20; round++)
                foreach (var failure in failures)
                {
                    var e = Assert.ThrowsAny<Exception>(failure);
                    Assert.True(e is TorchException or ObjectDisposedException, $"untyped {e.GetType().Name}: {e.Message}");
                }
            Expect.Values(new long[] { 2, 2 }, new float[] { 3, 3, 3, 3 }, x.MatMul(x.T()));
        }
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    [Fact]
    public void ErrorMessagesBelongToTheThreadThatFailed()
    {
        var messages = new string[4];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var scope = new TensorScope();
            var x = Tensors.Ones(2, 3);
            for (var round = 0; round < 50; round++)
            {
                var e = Assert.ThrowsAny<TorchException>(() => x.Select(0, 10 + i));
                Assert.Contains($"index {10 + i} out of range", e.Message);
                messages[i] = e.Message;
            }
        });
        Assert.All(messages, Assert.NotNull);
    }
}

/// <summary>A shape whose element count cannot exist is refused by name before libtorch sees it.</summary>
public class ShapeOverflowTests
{
    [Fact]
    public void AShapeBeyond2To63ElementsNamesTheOperationAndTheShape()
    {
        var e = Assert.Throws<TorchArgumentException>(() => Tensors.Zeros(new long[] { 1L << 40, 1L << 40 }));
        Assert.Equal("Zeros: shape [1099511627776, 1099511627776] has more than 2^63 elements, more than any tensor can hold", e.Message);
        using var scope = new TensorScope();
        var t = Tensors.Zeros(2, 3);
        Assert.StartsWith("Reshape: shape [4611686018427387904, 4]", Assert.Throws<TorchArgumentException>(() => t.Reshape(1L << 62, 4)).Message);
        Assert.StartsWith("Expand: shape [-1, 9223372036854775807, 3] has more than 2^63 elements",
            Assert.Throws<TorchArgumentException>(() => t.View(2, 1, 3).Expand(-1, long.MaxValue, 3)).Message);
    }

    [Fact]
    public void NegativeSizesAndTwoInferredSizesAreRefusedByName()
    {
        Assert.Equal("Ones: shape [2, -3] has a negative size", Assert.Throws<TorchArgumentException>(() => Tensors.Ones(2, -3)).Message);
        using var scope = new TensorScope();
        var t = Tensors.Zeros(2, 3);
        Assert.Contains("more than one inferred (-1) size", Assert.Throws<TorchArgumentException>(() => t.View(-1, -1)).Message);
        // Empty: zero elements, however large the rest (kept small enough that libtorch 2.x's stride check passes too).
        using var empty = Tensors.Zeros(new long[] { 0, 1L << 31, 1L << 31 });
        Assert.Equal(0, empty.NumEl);
        using var kept = t.View(2, 1, 3).Expand(-1, 4, -1); // -1 keeps a size in Expand, any number of times
        Assert.Equal(new long[] { 2, 4, 3 }, kept.Shape);
    }
}
