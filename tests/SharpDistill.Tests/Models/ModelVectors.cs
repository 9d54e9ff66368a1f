using System.Text.Json;

namespace SharpDistill.Tests.Models;

/// <summary>One model of tests/data/vectors/models.json: reference parameter count and output shapes.</summary>
public sealed record ModelVector(long Params, long[] Logits, long[] Pooled, long[][] Stages);

/// <summary>
/// Reads tests/data/vectors/models.json (mdistiller / RepDistiller
/// parameter counts and shapes, CIFAR models at batch 2 × 3×32×32, ImageNet models at 1 × 3×224×224).
/// </summary>
public static class ModelVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.Vectors("models.json"))));

    public static IReadOnlyDictionary<string, ModelVector> Cifar100 => Section("cifar100");

    public static IReadOnlyDictionary<string, ModelVector> ImageNet => Section("imagenet");

    private static Dictionary<string, ModelVector> Section(string name)
    {
        var result = new Dictionary<string, ModelVector>();
        foreach (var model in Document.Value.RootElement.GetProperty(name).EnumerateObject())
        {
            var v = model.Value;
            result[model.Name] = new ModelVector(
                v.GetProperty("params").GetInt64(),
                Shape(v.GetProperty("logits")),
                Shape(v.GetProperty("pooled")),
                v.GetProperty("stages").EnumerateArray().Select(Shape).ToArray());
        }
        return result;
    }

    private static long[] Shape(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

}
