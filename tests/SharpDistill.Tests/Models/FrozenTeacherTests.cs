using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Tests.Models;

/// <summary>
/// The frozen teacher's inference forms (batch norms folded, channels-last, bf16 weights) against the
/// plain fp32 eval model, for one model of every architecture family in the zoo, with random weights
/// and randomised batch-norm statistics (fresh ones are the identity, which would hide folding errors).
/// </summary>
public class FrozenTeacherTests
{
    /// <summary>One model per family at its native input size.</summary>
    public static TheoryData<string, int, ModelVariant> Families => new()
    {
        { "resnet8", 32, ModelVariant.Standard },
        { "resnet8x4", 32, ModelVariant.Standard },
        { "wrn_16_1", 32, ModelVariant.Standard },
        { "wrn_16_2", 32, ModelVariant.Standard },
        { "vgg8", 32, ModelVariant.Standard },
        { "MobileNetV2", 32, ModelVariant.Standard },
        { "ShuffleV1", 32, ModelVariant.Standard },
        { "ShuffleV2", 32, ModelVariant.Standard },
        { "ResNet18", 32, ModelVariant.Standard },
        { "ResNet50", 32, ModelVariant.Standard },
        // ImageNet models exist only at their native 224 pixels; the bottleneck block is covered by the CIFAR ResNet50.
        { "imagenet/ResNet18", 224, ModelVariant.Standard },
        { "imagenet/MobileNetV1", 224, ModelVariant.Standard },
    };

    public static TheoryData<string, int, ModelVariant, bool, MemoryFormat> ExactForms()
    {
        var data = new TheoryData<string, int, ModelVariant, bool, MemoryFormat>();
        foreach (var row in Families)
        {
            var (name, size, variant) = ((string)row[0], (int)row[1], (ModelVariant)row[2]);
            data.Add(name, size, variant, true, MemoryFormat.Contiguous);
            data.Add(name, size, variant, false, MemoryFormat.ChannelsLast);
            data.Add(name, size, variant, true, MemoryFormat.ChannelsLast);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExactForms))]
    public void FoldedAndChannelsLastTeachersGiveThePlainLogitsAndPooledFeature(string name, int size, ModelVariant variant,
        bool fold, MemoryFormat format)
    {
        using var scope = new TensorScope();
        var input = Tensors.Randn([2, 3, size, size], new Generator(11));
        var (plainLogits, plainPooled, plainFeats) = PlainOutputs(name, variant, input);

        using var teacher = FrozenTeacher.Prepare(RandomisedModel(name, variant), new TeacherForm(fold, format, Precision.Fp32));
        if (fold) Assert.True(teacher.FoldedPairs > 0, $"{name}: nothing was folded");
        using (var logitsOnly = teacher.ForwardLogits(input))
            AssertRelativelyClose(plainLogits, logitsOnly, 1e-5, $"{name} logits");
        using var output = teacher.Forward(input);
        Assert.Equal(DType.Float32, output.Logits.DType);
        AssertRelativelyClose(plainLogits, output.Logits, 1e-5, $"{name} logits (with features)");
        AssertRelativelyClose(plainPooled, output.PooledFeat, 1e-5, $"{name} pooled feature");
        Assert.Equal(plainFeats.Count, output.Feats.Count);
        for (var i = 0; i < plainFeats.Count; i++) AssertRelativelyClose(plainFeats[i], output.Feats[i], 1e-5, $"{name} feature {i}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Bf16TeacherStaysCloseAndHandsBackFloat32(string name, int size, ModelVariant variant)
    {
        using var scope = new TensorScope();
        var input = Tensors.Randn([2, 3, size, size], new Generator(12));
        var (plainLogits, _, _) = PlainOutputs(name, variant, input);
        using var teacher = FrozenTeacher.Prepare(RandomisedModel(name, variant),
            new TeacherForm(true, MemoryFormat.ChannelsLast, Precision.Bf16));
        using var logits = teacher.ForwardLogits(input);
        Assert.Equal(DType.Float32, logits.DType);
        // bfloat16 keeps 8 significant bits: close, but not float32-close.
        AssertRelativelyClose(plainLogits, logits, 0.1, $"{name} bf16 logits");
        using var output = teacher.Forward(input);
        Assert.Equal(DType.Float32, output.PooledFeat.DType);
    }

    [Fact]
    public void OnlyBatchNormsThatReadAConvolutionAreFolded()
    {
        // A Wide ResNet block is BN-ReLU-conv-BN-ReLU-conv: each block's second BN reads a convolution;
        // its first reads the previous block's sum — or, in the first block, the stem convolution's
        // output, which is also a feature (and a residual input), so it stays; the last BN reads a sum.
        using var teacher = FrozenTeacher.Prepare(RandomisedModel("wrn_16_2", ModelVariant.Standard),
            new TeacherForm(true, MemoryFormat.Contiguous, Precision.Fp32));
        var norms = teacher.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>().ToList();
        Assert.Equal(norms.Count(n => n.IsFolded), teacher.FoldedPairs);
        Assert.Equal(6, teacher.FoldedPairs); // (16 - 4) / 6 = 2 blocks per stage, 3 stages, one fold each
        Assert.False(norms.Single(n => ReferenceEquals(n, teacher.NamedModules().Single(m => m.Key == "source.block1.layer.0.bn1").Value)).IsFolded);
    }

    [Fact]
    public void AFrozenTeacherCannotBeSwitchedToTraining()
    {
        using var teacher = FrozenTeacher.Prepare(ModelZoo.Create("resnet8"), new TeacherForm(true, MemoryFormat.Contiguous, Precision.Fp32));
        Assert.Throws<InvalidOperationException>(() => teacher.Train());
        Assert.False(teacher.Training);
        Assert.All(teacher.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    private static (Tensor Logits, Tensor Pooled, IReadOnlyList<Tensor> Feats) PlainOutputs(string name, ModelVariant variant, Tensor input)
    {
        using var plain = RandomisedModel(name, variant);
        plain.Eval();
        using var noGrad = Autograd.NoGrad();
        using var output = plain.Forward(input);
        return (output.Logits.Clone(), output.PooledFeat.Clone(), output.Feats.Select(f => f.Clone()).ToList());
    }

    /// <summary>The model with its default random weights (a fixed seed) and random batch-norm affine parameters and statistics.</summary>
    private static ZooModel RandomisedModel(string name, ModelVariant variant)
    {
        TorchRuntime.ManualSeed(5);
        var model = ModelZoo.Create(name, new ModelOptions(10, 3, variant));
        var generator = new Generator(6);
        using var noGrad = Autograd.NoGrad();
        using var scope = new TensorScope();
        foreach (var norm in model.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>())
        {
            var n = norm.NumFeatures;
            norm.RunningMean.Copy_(Tensors.Randn([n], generator) * 0.2);
            norm.RunningVar.Copy_(Tensors.Rand([n], generator) + 0.5);
            norm.Weight!.Copy_(Tensors.Randn([n], generator) * 0.2 + 1.0);
            norm.Bias!.Copy_(Tensors.Randn([n], generator) * 0.1);
        }
        return model;
    }

    private static void AssertRelativelyClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        using var scope = new TensorScope();
        var scale = expected.Abs().Max().ToDouble();
        var difference = (actual - expected).Abs().Max().ToDouble();
        Assert.True(difference <= tolerance * Math.Max(scale, 1e-12),
            $"{what}: max |diff| {difference:G3} exceeds {tolerance:G2} x max |value| {scale:G3}");
    }
}
