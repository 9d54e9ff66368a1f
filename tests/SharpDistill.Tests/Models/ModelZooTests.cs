using SharpDistill.Models;
using SharpDistill.Models.Cifar;
using SharpDistill.Models.ImageNet;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Models;

/// <summary>The registry: names, families, options, variants and their errors.</summary>
public class ModelZooTests
{
    [Fact]
    public void UnknownNameListsTheValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet9"));
        Assert.Contains("'resnet9'", e.Message);
        foreach (var name in new[] { "resnet20", "wrn_40_2", "MobileNetV2", "ShuffleV2", "imagenet/ResNet50", "imagenet/MobileNetV1" })
            Assert.Contains(name, e.Message);
    }

    [Fact]
    public void NearMissesGetAHint()
    {
        var caseMiss = Assert.Throws<ArgumentException>(() => ModelZoo.Create("Resnet20"));
        Assert.Contains("Did you mean 'resnet20'?", caseMiss.Message);
        var familyMiss = Assert.Throws<ArgumentException>(() => ModelZoo.Create("MobileNetV1"));
        Assert.Contains("Did you mean 'imagenet/MobileNetV1'?", familyMiss.Message);
        var wrongFamily = Assert.Throws<ArgumentException>(() => ModelZoo.Create(ModelFamily.ImageNet, "resnet20"));
        Assert.Contains("Did you mean 'resnet20'?", wrongFamily.Message);
    }

    [Fact]
    public void NamesInBothZoosResolveByFamily()
    {
        using (var cifar = ModelZoo.Create("ResNet18"))
        {
            Assert.IsType<CifarResNetV2>(cifar);
            Assert.Equal(ModelFamily.Cifar, cifar.Family);
            Assert.Equal(11_220_132, cifar.ParameterCount());
        }
        using (var cifar = ModelZoo.Create("cifar/ResNet18")) Assert.IsType<CifarResNetV2>(cifar);
        using (var imagenet = ModelZoo.Create("imagenet/ResNet18"))
        {
            Assert.IsType<ImageNetResNet>(imagenet);
            Assert.Equal(ModelFamily.ImageNet, imagenet.Family);
            Assert.Equal(1000, imagenet.NumClasses);
            Assert.Equal(11_689_512, imagenet.ParameterCount());
        }
        using (var imagenet = ModelZoo.Create(ModelFamily.ImageNet, "ResNet18")) Assert.IsType<ImageNetResNet>(imagenet);
    }

    [Fact]
    public void DescribesAndFindsEntries()
    {
        Assert.True(ModelZoo.Contains("imagenet/ResNet101"));
        Assert.False(ModelZoo.Contains("ResNet101"));
        var entry = ModelZoo.Describe("wrn_40_2");
        Assert.Equal(ModelFamily.Cifar, entry.Family);
        Assert.Equal("wrn_40_2", entry.QualifiedName);
        Assert.Equal("imagenet/ResNet34", ModelZoo.Describe("imagenet/ResNet34").QualifiedName);
        Assert.Throws<ArgumentException>(() => ModelZoo.Describe("vgg7"));
    }

    [Fact]
    public void NumberOfClassesDefaultsPerBenchmarkAndCanBeSet()
    {
        using (var m = ModelZoo.Create("resnet8")) Assert.Equal(100, m.NumClasses);
        using (var m = ModelZoo.Create("resnet8", new ModelOptions(Variant: ModelVariant.TinyImageNet))) Assert.Equal(200, m.NumClasses);
        using (var m = ModelZoo.Create("imagenet/MobileNetV1")) Assert.Equal(1000, m.NumClasses);
        using var model = ModelZoo.Create("wrn_16_1", new ModelOptions(NumClasses: 10));
        Assert.Equal(10, model.NumClasses);
        // 180,916 with 100 classes: the FC loses 90 × (64 + 1) parameters.
        Assert.Equal(180_916 - 90 * 65, model.ParameterCount());
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var logits = model.ForwardLogits(x);
        Assert.Equal(new long[] { 2, 10 }, logits.Shape);
    }

    [Fact]
    public void OneChannelInputsForFashionMnist()
    {
        using var model = ModelZoo.Create("resnet8", new ModelOptions(NumClasses: 10, InChannels: 1, Variant: ModelVariant.TinyImageNet));
        Assert.Equal(new long[] { 16, 1, 3, 3 }, model.NamedParameters().Single(p => p.Key == "conv1.weight").Value.Shape);
        using var x = Tensors.Randn(new long[] { 2, 1, 28, 28 });
        using var output = model.Forward(x);
        Assert.Equal(new long[] { 2, 10 }, output.Logits.Shape);
        Assert.Equal(new long[] { 2, 64, 7, 7 }, output.Feats[^1].Shape);

        using var rgb = Tensors.Randn(new long[] { 2, 3, 28, 28 });
        var e = Assert.Throws<ArgumentException>(() => model.Forward(rgb));
        Assert.Contains("resnet8 expects an input of shape [N, 1, H, W], got [2, 3, 28, 28]", e.Message);
    }

    public static TheoryData<string, long, long[]> TinyImageNetCases => new()
    {
        { "resnet8", 64, new long[] { 2, 64, 16, 16 } },
        { "wrn_16_1", 64, new long[] { 2, 64, 16, 16 } },
        { "vgg8", 512, new long[] { 2, 512, 4, 4 } },
        { "MobileNetV2", 1280, new long[] { 2, 160, 4, 4 } },
        { "ShuffleV1", 960, new long[] { 2, 960, 8, 8 } },
        { "ShuffleV2", 1024, new long[] { 2, 464, 8, 8 } },
        { "ResNet18", 512, new long[] { 2, 512, 8, 8 } },
    };

    [Theory]
    [MemberData(nameof(TinyImageNetCases))]
    public void TinyImageNetVariantPoolsGloballyAt64Pixels(string name, long pooled, long[] lastStage)
    {
        using var model = ModelZoo.Create(name, new ModelOptions(Variant: ModelVariant.TinyImageNet));
        using var x = Tensors.Randn(new long[] { 2, 3, 64, 64 });
        using var _ = Autograd.NoGrad();
        using var output = model.Forward(x);
        Assert.Equal(new long[] { 2, 200 }, output.Logits.Shape);
        Assert.Equal(new long[] { 2, pooled }, output.PooledFeat.Shape);
        Assert.Equal(lastStage, output.Feats[^1].Shape);
    }

    [Fact]
    public void VggPoolsAfterGroupThreeFor64PixelInputs()
    {
        using var model = ModelZoo.Create("vgg8", new ModelOptions(Variant: ModelVariant.TinyImageNet));
        using var x = Tensors.Randn(new long[] { 1, 3, 64, 64 });
        using var _ = Autograd.NoGrad();
        model.Eval();
        using var output = model.Forward(x);
        long[][] expected = { new long[] { 1, 64, 64, 64 }, new long[] { 1, 128, 32, 32 }, new long[] { 1, 256, 16, 16 }, new long[] { 1, 512, 8, 8 }, new long[] { 1, 512, 4, 4 } };
        Assert.Equal(expected, output.Feats.Select(f => f.Shape).ToArray());
    }

    [Fact]
    public void StandardVariantRejectsOtherInputSizes()
    {
        using var model = ModelZoo.Create("resnet8");
        using var x = Tensors.Randn(new long[] { 1, 3, 64, 64 });
        var e = Assert.Throws<ArgumentException>(() => model.ForwardLogits(x));
        Assert.Contains("pools a final 8x8 feature map (input 32x32), but this input gives 16x16", e.Message);
        Assert.Contains("TinyImageNet", e.Message);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        var variant = Assert.Throws<ArgumentException>(() => ModelZoo.Create("imagenet/ResNet18", new ModelOptions(Variant: ModelVariant.TinyImageNet)));
        Assert.Contains("CIFAR-family models only", variant.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelZoo.Create("resnet8", new ModelOptions(NumClasses: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelZoo.Create("resnet8", new ModelOptions(InChannels: 0)));
    }

    [Fact]
    public void SummariesListEveryModelWithItsParameterCount()
    {
        var standard = ModelZoo.Summaries();
        Assert.Equal(ModelZoo.Names, standard.Select(s => s.QualifiedName));
        foreach (var (name, vector) in ModelVectors.Cifar100)
            Assert.Equal(vector.Params, standard.Single(s => s.QualifiedName == name).Parameters);
        foreach (var (name, vector) in ModelVectors.ImageNet)
            Assert.Equal(vector.Params, standard.Single(s => s.QualifiedName == "imagenet/" + name).Parameters);
        Assert.Equal(224, standard.Single(s => s.QualifiedName == "imagenet/MobileNetV1").InputSize);
    }

    [Fact]
    public void SummariesFollowTheOptions()
    {
        var tiny = ModelZoo.Summaries(new ModelOptions(Variant: ModelVariant.TinyImageNet));
        Assert.DoesNotContain(tiny, s => s.Family == ModelFamily.ImageNet);
        var resnet20 = tiny.Single(s => s.QualifiedName == "resnet20");
        Assert.Equal(200, resnet20.NumClasses);
        Assert.Equal(64, resnet20.InputSize);
        // 100 more classes: 100 × (64 + 1) more FC parameters.
        Assert.Equal(278_324 + 100 * 65, resnet20.Parameters);
    }
}
