using System.Text.Json.Nodes;
using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

/// <summary>The runner itself: it must fail on wrong references and report malformed files clearly.</summary>
public sealed class LossConformanceRunnerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sd-loss-conformance-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Writes a file holding the given cases of the real losses.json, after <paramref name="edit"/>.</summary>
    private string WriteCases(Action<JsonArray> edit, params int[] indices)
    {
        var root = JsonNode.Parse(File.ReadAllText(LossVectorsPath()))!.AsObject();
        var all = root["cases"]!.AsArray();
        var picked = new JsonArray(indices.Select(i => all[i]!.DeepClone()).ToArray());
        edit(picked);
        var path = Path.Combine(directory, "cases.json");
        File.WriteAllText(path, new JsonObject { ["cases"] = picked }.ToJsonString());
        return path;
    }

    private static int FirstCase(string method)
    {
        var root = JsonNode.Parse(File.ReadAllText(LossVectorsPath()))!;
        var cases = root["cases"]!.AsArray();
        for (var i = 0; i < cases.Count; i++)
            if ((string)cases[i]!["method"]! == method) return i;
        throw new InvalidOperationException($"no {method} case");
    }

    [Fact]
    public void AWrongReferenceGradientFails()
    {
        var path = WriteCases(cases =>
        {
            // Errors are norm-wise relative: perturb the largest entry by 1e-5 of itself.
            var data = cases[0]!["outputs"]!["grad_student"]!["data"]!.AsArray();
            var largest = Enumerable.Range(0, data.Count).MaxBy(i => Math.Abs((double)data[i]!));
            data[largest] = (double)data[largest]! * (1 + 1e-5);
        }, FirstCase("kd"));
        var report = LossConformance.Run(path);
        Assert.False(report.Passed);
        var failing = Assert.Single(report.Cases.Single().Quantities, q => !q.Passed);
        Assert.Equal("grad_student", failing.Name);
        Assert.InRange(failing.RelativeError, 1e-7, 1e-4);
        Assert.Contains("FAIL", report.Format());
        // The same file passes once the tolerance admits the change.
        Assert.True(LossConformance.Run(path, DType.Float64, tolerance: 1e-4).Passed);
    }

    [Fact]
    public void AFlippedMaskFailsEvenThoughItIsOneEntry()
    {
        var path = WriteCases(cases =>
        {
            var mask = cases[0]!["outputs"]!["mask_w"]!.AsArray();
            mask[0] = 1 - (double)mask[0]!;
        }, FirstCase("crld"));
        var report = LossConformance.Run(path);
        var mask = Assert.Single(report.Cases.Single().Quantities, q => !q.Passed);
        Assert.Equal("mask_w", mask.Name);
        Assert.True(mask.Exact);
    }

    [Fact]
    public void UnknownMethodsAndUnknownOutputsAreReportedNotSkipped()
    {
        var path = WriteCases(cases =>
        {
            cases[0]!["method"] = "nkd";
            cases[1]!["outputs"]!["loss_extra"] = 1.0;
        }, FirstCase("kd"), FirstCase("dist"));
        var report = LossConformance.Run(path);
        Assert.False(report.Passed);
        Assert.Contains("no evaluator for method 'nkd'", report.Cases[0].Error);
        Assert.Contains(report.Cases[1].Quantities, q => q.Name == "loss_extra" && !q.Passed && q.Problem != null);
        Assert.False(report.Methods.Single(m => m.Method == "nkd").Passed);
        Assert.True(double.IsNaN(report.Methods.Single(m => m.Method == "nkd").WorstRelativeError));
    }

    [Fact]
    public void MalformedFilesNameTheCaseAndKey()
    {
        var path = WriteCases(cases => cases[0]!["inputs"]!.AsObject().Remove("teacher"), FirstCase("kd"));
        var e = Assert.Throws<InvalidDataException>(() => LossConformance.Run(path));
        Assert.Contains("case 0 (kd)", e.Message);
        Assert.Contains("'teacher'", e.Message);

        path = WriteCases(cases => cases[0]!["inputs"]!["student"]!["shape"] = new JsonArray(3, 3), FirstCase("kd"));
        e = Assert.Throws<InvalidDataException>(() => LossConformance.Run(path));
        Assert.Contains("inputs.student has shape [3, 3]", e.Message);

        var broken = Path.Combine(directory, "broken.json");
        File.WriteAllText(broken, "{ \"cases\": [");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => LossConformance.Run(broken)).Message);
        Assert.Throws<FileNotFoundException>(() => LossConformance.Run(Path.Combine(directory, "missing.json")));
    }

    [Fact]
    public void AnInputTheLossRejectsIsAFailedCase()
    {
        // DKD on two classes is rejected by the loss: the report says so instead of crashing.
        var path = WriteCases(cases =>
        {
            var inputs = cases[0]!["inputs"]!;
            foreach (var key in new[] { "student", "teacher" })
            {
                var data = inputs[key]!["data"]!.AsArray().Take(16).Select(v => (JsonNode?)v!.DeepClone()).ToArray();
                inputs[key] = new JsonObject { ["shape"] = new JsonArray(8, 2), ["data"] = new JsonArray(data) };
            }
            inputs["target"] = new JsonArray(0, 1, 0, 1, 0, 1, 0, 1);
        }, FirstCase("dkd"));
        var report = LossConformance.Run(path);
        Assert.Contains("more than 2 classes", report.Cases.Single().Error);
    }

}
