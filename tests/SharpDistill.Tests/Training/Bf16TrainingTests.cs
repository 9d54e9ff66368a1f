using System.Text;
using SharpDistill.Benchmarks;
using SharpDistill.Config;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Training;

namespace SharpDistill.Tests.Training;

/// <summary>
/// A Fashion-MNIST training test that needs native bf16: reported as skipped on a CPU without
/// avx512_bf16 / amx_bf16, where libtorch 1.13 emulates bf16 convolutions — about 15x slower here and
/// inaccurate (measured on the developers' AVX2 machine: 35 % relative error in a channels-last
/// convolution's weight gradient, 5.7 % in a contiguous forward; this very run reached 10.9 % test
/// top-1 against 35.6 % in fp32), so it could neither finish in time nor show what bf16 training does.
/// </summary>
public sealed class NativeBf16FashionMnistFactAttribute : FactAttribute
{
    public NativeBf16FashionMnistFactAttribute()
    {
        if (!Environments.FashionMnistInstalled) Skip = "needs Fashion-MNIST (Debian package dataset-fashion-mnist)";
        else if (!CpuFeatures.Current().NativeBf16) Skip = "needs a CPU with native bf16: " + CpuFeatures.Current().Describe();
    }
}

/// <summary>Training with the student under bf16 autocast: it learns, and the run records that it ran so.</summary>
public class Bf16TrainingTests
{
    [NativeBf16FashionMnistFact]
    public void ABf16AutocastRunOnFashionMnistLearns()
    {
        using var fixture = new TrainingFixture();
        var config = fixture.Config("bf16", epochs: 2, trainImages: 1024, testImages: 512,
            "compute.student_precision=bf16", "compute.memory_format=channels_last");
        var result = fixture.Train(config);

        // Ten classes: chance is 10 %; this fp32 run reaches 35.6 % (measured), bf16 should land near it.
        Assert.True(result.LastTop1 > 25, $"bf16 run reached only {result.LastTop1:F1} % top-1");
        Assert.Contains("student_precision: bf16", File.ReadAllText(Path.Combine(result.RunDirectory, "config.yaml")));
        var checkpoint = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(result.RunDirectory, "checkpoints", "latest.safetensors")));
        Assert.Contains("student_precision: bf16", checkpoint); // the resolved config in the checkpoint's metadata
        Assert.Contains("memory_format: channels_last", checkpoint);
    }

    [FashionMnistFact]
    public void ComputeSettingsReachTheRunConfigAndEveryCheckpoint()
    {
        using var fixture = new TrainingFixture();
        var result = fixture.Train(fixture.Config("compute", epochs: 1, trainImages: 128, testImages: 64,
            "compute.memory_format=contiguous", "compute.teacher_precision=bf16"));
        Assert.Contains("memory_format: contiguous", File.ReadAllText(Path.Combine(result.RunDirectory, "config.yaml")));
        foreach (var name in new[] { "latest.safetensors", "best.safetensors" })
        {
            var checkpoint = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(result.RunDirectory, "checkpoints", name)));
            Assert.Contains("memory_format: contiguous", checkpoint);
            Assert.Contains("teacher_precision: bf16", checkpoint);
            Assert.Contains("student_precision: fp32", checkpoint);
            Assert.Contains("fold_teacher: true", checkpoint);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(16, 8)]
    public void DataWorkersDefaultToHalfTheCores(int cores, int workers) => Assert.Equal(workers, RunFactory.DefaultWorkers(cores));

    [Fact]
    public void TheResolvedComputeSettingsAreWrittenInTheRunConfig()
    {
        var config = RunConfig.Load([], ["compute.teacher_precision=bf16", "compute.fold_teacher=false"]);
        var yaml = ConfigWriter.ToYaml(config);
        Assert.Contains("teacher_precision: bf16", yaml);
        Assert.Contains("fold_teacher: false", yaml);
        Assert.Contains("memory_format: channels_last", yaml);
    }

    [Fact]
    public void ABf16StudentWithChannelsLastIsRefusedOnACpuWithoutNativeBf16()
    {
        var compute = new ComputeConfig { StudentPrecision = Precision.Bf16, MemoryFormat = MemoryFormat.ChannelsLast };
        var avx2 = CpuFeatures.Parse("flags\t\t: fpu avx2 fma\n");
        var zen5 = CpuFeatures.Parse("flags\t\t: fpu avx2 avx512f avx512_bf16\n");
        using var student = ModelZoo.Create("resnet8");
        ZooModel? noTeacher = null;
        var e = Assert.Throws<ConfigException>(() => RunFactory.ApplyCompute(compute, Device.Cpu, student, ref noTeacher, avx2));
        Assert.Contains("compute.memory_format", e.Message);
        Assert.Contains("avx512_bf16", e.Message);
        Assert.Equal(MemoryFormat.Contiguous, student.MemoryFormat); // refused before anything changed

        RunFactory.ApplyCompute(compute, Device.Cpu, student, ref noTeacher, zen5);
        Assert.Equal(Precision.Bf16, student.AutocastPrecision);
        Assert.Equal(MemoryFormat.ChannelsLast, student.MemoryFormat);

        using var other = ModelZoo.Create("resnet8");
        RunFactory.ApplyCompute(new ComputeConfig { StudentPrecision = Precision.Bf16, MemoryFormat = MemoryFormat.Contiguous },
            Device.Cpu, other, ref noTeacher, avx2);
        Assert.Equal(Precision.Bf16, other.AutocastPrecision);
        // A bench only times the combination, so it may run it anywhere.
        using var timed = ModelZoo.Create("resnet8");
        RunFactory.ApplyCompute(compute, Device.Cpu, timed, ref noTeacher, avx2, timingOnly: true);
    }

    [Fact]
    public void Bf16AutocastAppliesInTrainingModeOnlyAndHandsBackFloat32()
    {
        using var scope = new TensorScope();
        using var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet));
        model.AutocastPrecision = Precision.Bf16;
        var input = Tensors.Randn([2, 1, 28, 28], new Generator(3));
        model.Train();
        var trained = model.ForwardLogits(input);
        Assert.Equal(DType.Float32, trained.DType);
        Assert.False(Autocast.IsCpuEnabled); // the scope closed with the forward
        model.Eval();
        var evaluated = model.ForwardLogits(input);
        model.AutocastPrecision = Precision.Fp32;
        var plain = model.ForwardLogits(input);
        Assert.True(evaluated.Equal(plain)); // eval mode: exactly the fp32 forward
    }
}
