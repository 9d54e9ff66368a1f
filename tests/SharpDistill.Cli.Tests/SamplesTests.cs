using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Predict;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Tests;

/// <summary>
/// samples/ built exactly as a user builds them: the library is packed freshly into a local package
/// source (a version of its own, so no cached package can stand in), both samples restore it by
/// version and run outside the repository (so the native shim can only come from the package).
/// </summary>
public class SamplesTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void BothSamplesBuildAgainstFreshPackagesAndAgreeWithSharpDistill()
    {
        var version = $"0.1.0-samples.{Guid.NewGuid():N}"[..28];
        var packages = temp.Directory("packages");
        foreach (var project in new[] { "SharpDistill.Torch", "SharpDistill" })
            Dotnet(RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, "src", project, project + ".csproj"), "-c", Configuration,
                "--no-build", "--no-restore", $"-p:Version={version}", $"-p:NuspecOutputPath={temp.Directory("nuspec")}", "-o", packages);

        var samples = temp.Directory("samples");
        CopySources(Path.Combine(RepoPaths.Root, "samples"), samples);
        // The samples' own nuget.config adds ../packages (here: the fresh packages). Restored packages go
        // to a private folder; the machine's package cache serves the third-party ones without a download.
        var restore = new List<string> { $"-p:SharpDistillVersion={version}", $"-p:RestorePackagesPath={temp.Directory("nuget")}" };
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(cache)) restore.Add($"-p:RestoreFallbackFolders={cache}");
        Dotnet(samples, ["build", "Samples.slnx", "-c", "Release", "-nologo", "-v", "quiet", .. restore]);
        var distillDll = Path.Combine(samples, "DistillOwnCnn", "bin", "Release", "net10.0", "DistillOwnCnn.dll");
        var classifyDll = Path.Combine(samples, "ClassifyOnnx", "bin", "Release", "net10.0", "ClassifyOnnx.dll");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(distillDll)!, "runtimes", "linux-x64", "native", "libsharpdistill_native.so")),
            "the native shim comes with the SharpDistill.Torch package");
        Assert.False(Directory.GetFiles(Path.GetDirectoryName(classifyDll)!, "SharpDistill*.dll").Any(), "ClassifyOnnx must not depend on SharpDistill");

        // Sample (a): distils, evaluates and exports; run again, it resumes the finished runs and does nothing.
        var runs = temp.Directory("runs");
        var first = Dotnet(samples, distillDll, runs);
        var teacherTop1 = Top1(first.Output, "ce teacher");
        var studentTop1 = Top1(first.Output, "kd student");
        Assert.True(teacherTop1 >= 90 && studentTop1 >= 90, $"teacher {teacherTop1} %, student {studentTop1} %\n{first}");
        var studentOnnx = Path.Combine(runs, "student.onnx");
        Assert.True(File.Exists(studentOnnx), first.ToString());
        var again = Dotnet(samples, distillDll, runs);
        Assert.Contains("nothing to do", again.Output);
        Assert.Equal(studentTop1, Top1(again.Output, "kd student"));

        // Sample (b) on a zoo student exported here: its top-1 is SharpDistill's eval-mode top-1.
        var (zooOnnx, images, expected) = ExportZooStudentWithImages();
        var classified = Parse(Dotnet(samples, [classifyDll, zooOnnx, .. images]).Output);
        Assert.Equal(images, classified.Select(c => c.File));
        Assert.Equal(expected.Select(e => e.Index), classified.Select(c => c.Index));
        for (var i = 0; i < images.Length; i++)
        {
            Assert.Equal(expected[i].Probability, classified[i].Probability, 3);
            Assert.Equal($"c{expected[i].Index}", classified[i].Name);
        }

        // Sample (b) on sample (a)'s own student agrees with `sharpdistill predict`.
        var bar = temp.PathOf("bar.png");
        var pixels = new byte[24 * 24];
        for (var y = 11; y <= 13; y++) for (var x = 5; x <= 19; x++) pixels[y * 24 + x] = 200;
        PngWriter.WriteGray(bar, 24, 24, pixels);
        var own = Parse(Dotnet(samples, classifyDll, studentOnnx, bar).Output).Single();
        var predict = CliRunner.Run("predict", bar, "--model", studentOnnx, "--json", "--top", "1");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var top = JsonDocument.Parse(predict.Output).RootElement.GetProperty("top")[0];
        Assert.Equal(top.GetProperty("index").GetInt32(), own.Index);
        Assert.Equal(top.GetProperty("name").GetString(), own.Name);
    }

    /// <summary>A resnet8 (1 channel, 10 classes, random weights) exported with serving metadata, six 28×28 PNGs, and SharpDistill's top-1 for each.</summary>
    private (string Onnx, string[] Images, ClassScore[] Expected) ExportZooStudentWithImages()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.ManualSeed(4);
        using var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet));
        var spec = new ServingSpec
        {
            Model = model.Name, Channels = 1, InputSize = 28, Mean = [0.286f], Std = [0.353f], NumClasses = 10,
            ClassNames = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray(),
        };
        var onnx = temp.PathOf("zoo.onnx");
        OnnxExporter.Export(model, spec, onnx);
        var random = new Random(9);
        var images = Enumerable.Range(0, 6).Select(i =>
        {
            var path = temp.PathOf($"image{i}.png");
            var pixels = new byte[28 * 28];
            // A bright block at a different place in each image, on noise: inputs far apart.
            for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)random.Next(0, 80);
            for (var y = 0; y < 10; y++) for (var x = 0; x < 10; x++) pixels[(3 * i + y) * 28 + 2 * i + x] = (byte)(150 + 15 * i);
            PngWriter.WriteGray(path, 28, 28, pixels);
            return path;
        }).ToArray();
        model.Eval();
        using var scope = new TensorScope();
        using var inference = Autograd.InferenceMode();
        var batch = ImageInputs.LoadBatch(images, spec);
        var logits = model.ForwardLogits(Tensor.FromArray(batch, images.Length, 1, 28, 28)).ToArray<float>();
        var expected = Enumerable.Range(0, images.Length).Select(i => TopK.Of(logits.AsSpan(i * 10, 10), 1, spec.ClassNames)[0]).ToArray();
        return (onnx, images, expected);
    }

    private static double Top1(string output, string run)
    {
        var match = Regex.Match(output, Regex.Escape(run) + @": test top-1 ([0-9.]+) %");
        Assert.True(match.Success, $"no '{run}: test top-1' line in:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private sealed record Classified(string File, int Index, string Name, double Probability);

    private static List<Classified> Parse(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('\t'))
        .Select(f => new Classified(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), f[2], double.Parse(f[3], CultureInfo.InvariantCulture)))
        .ToList();

    /// <summary>dotnet ARGS in <paramref name="directory"/>; asserts success. The shim is never pointed at from outside.</summary>
    private static CliResult Dotnet(string directory, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["SHARPDISTILL_NATIVE"] = null, ["OMP_WAIT_POLICY"] = "PASSIVE", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
        };
        // The test host's MSBuild settings must not leak into the user-style builds.
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)) environment[key] = null;
        var result = ProcessRunner.Run("dotnet", arguments, directory, Limit, environment);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}\n{result}");
        return result;
    }

    /// <summary>The samples' sources (no bin/obj or run outputs a developer may have left there).</summary>
    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is "bin" or "obj" or "distill-own-cnn")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
