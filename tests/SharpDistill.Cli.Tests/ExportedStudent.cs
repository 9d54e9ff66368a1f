using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Tests;

/// <summary>
/// An exported student for the `predict` tests that need no trained model: a resnet8 for 28×28
/// grayscale input, 10 classes, random weights, written with serving metadata, plus PNG inputs.
/// </summary>
internal static class ExportedStudent
{
    public static ServingSpec Spec { get; } = new()
    {
        Model = "resnet8", Channels = 1, InputSize = 28, Mean = [0.286f], Std = [0.353f], NumClasses = 10,
        ClassNames = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray(),
    };

    public static string Write(string path, ulong seed = 4)
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.ManualSeed(seed);
        using var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet));
        OnnxExporter.Export(model, Spec, path);
        return path;
    }

    /// <summary>A 28×28 PNG whose bright block sits at a place that depends on <paramref name="i"/>, on noise.</summary>
    public static string Image(string path, int i)
    {
        var random = new Random(100 + i);
        var pixels = new byte[28 * 28];
        for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)random.Next(0, 80);
        for (var y = 0; y < 10; y++) for (var x = 0; x < 10; x++) pixels[(3 * i + y) * 28 + 2 * i + x] = (byte)(150 + 15 * i);
        PngWriter.WriteGray(path, 28, 28, pixels);
        return path;
    }
}
