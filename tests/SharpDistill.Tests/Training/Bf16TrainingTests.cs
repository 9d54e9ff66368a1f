using System.Text;
using SharpDistill.Training;

namespace SharpDistill.Tests.Training;

/// <summary>Training with the student under bf16 autocast: it learns, and the run records that it ran so.</summary>
public class Bf16TrainingTests
{
    [FashionMnistFact]
    public void ABf16AutocastRunOnFashionMnistLearns()
    {
        using var fixture = new TrainingFixture();
        var config = fixture.Config("bf16", epochs: 2, trainImages: 1024, testImages: 512,
            "compute.student_precision=bf16", "compute.memory_format=channels_last");
        var result = fixture.Train(config);

        // Ten classes: chance is 10 %; a resnet8 reaches about 70 % on this subset in fp32.
        Assert.True(result.LastTop1 > 50, $"bf16 run reached only {result.LastTop1:F1} % top-1");
        Assert.Contains("student_precision: bf16", File.ReadAllText(Path.Combine(result.RunDirectory, "config.yaml")));
        var checkpoint = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(result.RunDirectory, "checkpoints", "latest.safetensors")));
        Assert.Contains("student_precision: bf16", checkpoint); // the resolved config in the checkpoint's metadata
        Assert.Contains("memory_format: channels_last", checkpoint);
    }
}
