using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpDistill.Models;

namespace SharpDistill.Cli.Tests;

public class ModelsCommandTests
{
    /// <summary>A listing row: the plain-text table separates its columns by two or more spaces.</summary>
    private sealed record Row(string Name, string Family, long Parameters, long Classes, string Input, string Description);

    private static List<Row> Rows(CliResult result)
    {
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = Array.FindIndex(lines, l => l.StartsWith("name ", StringComparison.Ordinal));
        Assert.True(header >= 0, result.ToString());
        Assert.Equal(new[] { "name", "family", "parameters", "classes", "input", "description" }, Regex.Split(lines[header], @"\s{2,}"));
        return lines.Skip(header + 1).Select(line =>
        {
            var cells = Regex.Split(line, @"\s{2,}");
            Assert.True(cells.Length == 6, $"row '{line}' does not have 6 columns");
            return new Row(cells[0], cells[1], long.Parse(cells[2], NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
                long.Parse(cells[3], CultureInfo.InvariantCulture), cells[4], cells[5]);
        }).ToList();
    }

    [Fact]
    public void ListsEveryZooModelWithTheReferenceParameterCounts()
    {
        var result = CliRunner.Run("models");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Assert.StartsWith("28 models (", result.Output);
        var rows = Rows(result);
        Assert.Equal(ModelZoo.Names, rows.Select(r => r.Name));

        // Every count against the reference architectures (tests/data/vectors/models.json: 100 CIFAR, 1000 ImageNet classes).
        using var vectors = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Vectors("models.json")));
        foreach (var (section, prefix, classes, input) in new[] { ("cifar100", "", 100L, "3x32x32"), ("imagenet", "imagenet/", 1000L, "3x224x224") })
            foreach (var model in vectors.RootElement.GetProperty(section).EnumerateObject())
            {
                var row = rows.Single(r => r.Name == prefix + model.Name);
                Assert.Equal(model.Value.GetProperty("params").GetInt64(), row.Parameters);
                Assert.Equal(classes, row.Classes);
                Assert.Equal(input, row.Input);
                Assert.Equal(prefix == "" ? "cifar" : "imagenet", row.Family);
            }
        Assert.Equal(28, vectors.RootElement.GetProperty("cifar100").EnumerateObject().Count() + vectors.RootElement.GetProperty("imagenet").EnumerateObject().Count());
        var resnet32x4 = rows.Single(r => r.Name == "resnet32x4");
        Assert.Equal(7_433_860, resnet32x4.Parameters);
        Assert.Contains("depth 32", resnet32x4.Description);
    }

    [Fact]
    public void FollowsFamilyClassesChannelsAndVariant()
    {
        var result = CliRunner.Run("models", "--family", "cifar", "--num-classes", "10");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = Rows(result);
        Assert.Equal(ModelZoo.Entries.Where(e => e.Family == ModelFamily.Cifar).Select(e => e.QualifiedName), rows.Select(r => r.Name));
        Assert.All(rows, r => Assert.Equal(10, r.Classes));
        // resnet8 with 10 classes: PyTorch counts 78,042 parameters for the same architecture (make_checkpoints.py).
        Assert.Equal(78_042, rows.Single(r => r.Name == "resnet8").Parameters);
        // 90 fewer classes: 90 × (64 + 1) fewer FC parameters than the 100-class resnet20 (278,324).
        Assert.Equal(278_324 - 90 * 65, rows.Single(r => r.Name == "resnet20").Parameters);

        var tiny = Rows(CliRunner.Run("models", "--variant", "tiny_imagenet", "--in-channels", "1"));
        Assert.DoesNotContain(tiny, r => r.Family == "imagenet");
        var resnet8 = tiny.Single(r => r.Name == "resnet8");
        Assert.Equal(200, resnet8.Classes);
        Assert.Equal("1x64x64", resnet8.Input);
        // One input channel instead of three: 2 × 3 × 3 × 16 fewer stem weights; 100 more classes: 100 × 65 more FC parameters.
        Assert.Equal(83_892 - 2 * 9 * 16 + 100 * 65, resnet8.Parameters);

        var imagenet = Rows(CliRunner.Run("models", "--family", "imagenet"));
        Assert.Equal(ModelZoo.Names.Where(n => n.StartsWith("imagenet/", StringComparison.Ordinal)), imagenet.Select(r => r.Name));
    }

    [Theory]
    [InlineData("the tiny_imagenet variant applies to CIFAR-family models only", "--family", "imagenet", "--variant", "tiny_imagenet")]
    [InlineData("--num-classes must be at least 1", "--num-classes", "0")]
    [InlineData("'bogus'", "--variant", "bogus")]
    [InlineData("'mnist'", "--family", "mnist")]
    public void BadOptionsExitWithTwo(string message, params string[] options)
    {
        var result = CliRunner.Run(options.Prepend("models").ToArray());
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error);
    }
}
