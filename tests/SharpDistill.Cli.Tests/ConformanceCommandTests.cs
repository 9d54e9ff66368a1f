using System.Text.Json.Nodes;

namespace SharpDistill.Cli.Tests;

public class ConformanceCommandTests
{
    private static readonly string[] LossMethods = { "kd", "dkd", "crld", "dist", "dcd" };

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void SharedLossVectorsPass(string dtype)
    {
        var result = CliRunner.Run("conformance", TestPaths.Vectors("losses.json"), "--dtype", dtype);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"loss conformance: {TestPaths.Vectors("losses.json")} ({dtype}", result.Output);
        var lines = result.Output.Split('\n');
        foreach (var method in LossMethods)
            Assert.Contains(lines, l => l.StartsWith(method + " ", StringComparison.Ordinal) && l.Contains(" pass "));
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.Contains("PASS: all ", result.Output);
    }

    [Fact]
    public void SharedAugmentVectorsPass()
    {
        var result = CliRunner.Run("conformance", TestPaths.Vectors("augment.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("augmentation conformance:", result.Output);
        foreach (var op in new[] { "AutoContrast", "Equalize", "Rotate", "ShearX", "TranslateY", "Solarize", "Posterize", "Sharpness" })
            Assert.Matches($@"(?m)^{op} +\d+ +0 +0 +pass", result.Output);
        Assert.Contains("PASS: all ", result.Output);
    }

    [Fact]
    public void OnePerturbedLossValueFails()
    {
        using var temp = new TempDirectory();
        var root = JsonNode.Parse(File.ReadAllText(TestPaths.Vectors("losses.json")))!;
        var first = root["cases"]![0]!;
        var method = (string)first["method"]!;
        // The first tensor-valued output (a gradient) gets one entry moved by 1% of the largest magnitude.
        var (name, tensor) = first["outputs"]!.AsObject().First(o => o.Value is JsonObject t && t.ContainsKey("data"));
        var data = tensor!["data"]!.AsArray();
        var scale = data.Max(v => Math.Abs((double)v!));
        data[0] = (double)data[0]! + 0.01 * scale;
        // Named augment.json on purpose: the kind of file is read from its content, not its name.
        var path = temp.PathOf("augment.json");
        File.WriteAllText(path, root.ToJsonString());

        var result = CliRunner.Run("conformance", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("loss conformance:", result.Output);
        Assert.Matches($@"(?m)^{method} .* FAIL +case 0: {name}", result.Output);
        Assert.Contains($"case 0 ({method}) {name}: abs ", result.Output);
        Assert.Contains("FAIL: 1 of ", result.Output);
        // Every other method still passes.
        foreach (var other in LossMethods.Where(m => m != method))
            Assert.Matches($@"(?m)^{other} .* pass ", result.Output);
    }

    [Fact]
    public void OnePerturbedAugmentPixelFails()
    {
        using var temp = new TempDirectory();
        var root = JsonNode.Parse(File.ReadAllText(TestPaths.Vectors("augment.json")))!;
        var cases = root["cases"]!.AsArray();
        var index = cases.Count - 1;
        var op = (string)cases[index]!["op"]!;
        var output = cases[index]!["output"]!.AsArray();
        output[5] = ((int)output[5]! + 7) % 256;
        var path = temp.PathOf("losses.json");
        File.WriteAllText(path, root.ToJsonString());

        var result = CliRunner.Run("conformance", path);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches($@"(?m)^{op} +\d+ +7 +0\.0275 +FAIL +case {index} ", result.Output);
        Assert.Contains($"case {index} ({op}, magnitude ", result.Output);
        Assert.Contains("1 values differ, worst |err| 7", result.Output);
        Assert.Contains("FAIL: 1 of ", result.Output);
    }

    [Fact]
    public void TighterToleranceCanFailAndTheOptionIsNotedForAugmentFiles()
    {
        var strict = CliRunner.Run("conformance", TestPaths.Vectors("losses.json"), "--dtype", "float32", "--tolerance", "1e-12");
        Assert.True(strict.ExitCode == 1, strict.ToString());
        Assert.Contains("relative tolerance 1E-12", strict.Output);

        var augment = CliRunner.Run("conformance", TestPaths.Vectors("augment.json"), "--tolerance", "3");
        Assert.True(augment.ExitCode == 0, augment.ToString());
        Assert.Contains("note: --dtype and --tolerance apply to loss vectors", augment.Error);
    }

    [Theory]
    [InlineData("{\"cases\": [1, 2", "not valid JSON")]
    [InlineData("[1, 2, 3]", "has no 'cases' array")]
    [InlineData("{\"cases\": []}", "'cases' array is empty")]
    [InlineData("{\"cases\": [{\"name\": \"kd\"}]}", "not every case has a 'method'")]
    [InlineData("{\"images\": [], \"cases\": [{\"method\": \"kd\"}, {\"op\": \"Rotate\"}]}", "not every case has a 'method' or an 'op'")]
    [InlineData("{\"cases\": [{\"method\": \"kd\", \"params\": {}}]}", "missing 'inputs'")]
    public void UnreadableOrUnknownFilesExitWithTwo(string content, string message)
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf("vectors.json");
        File.WriteAllText(path, content);
        var result = CliRunner.Run("conformance", path);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(path, result.Error);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void MissingFileAndMissingArgumentExitWithTwo()
    {
        var missing = CliRunner.Run("conformance", "/nonexistent/vectors.json");
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("file not found: /nonexistent/vectors.json", missing.Error);

        var usage = CliRunner.Run("conformance");
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Contains("vectors.json", usage.Error);
    }
}
