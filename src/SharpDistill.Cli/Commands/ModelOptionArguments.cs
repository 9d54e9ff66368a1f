using System.CommandLine;
using SharpDistill.Models;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// The options that shape a zoo model (<see cref="ModelOptions"/>), shared by the verbs that build
/// one: --num-classes, --in-channels and --variant.
/// </summary>
internal sealed class ModelOptionArguments
{
    /// <summary>The --variant spellings, as in the configs' model sections.</summary>
    public static IReadOnlyDictionary<string, ModelVariant> Variants { get; } = new Dictionary<string, ModelVariant>
    {
        ["standard"] = ModelVariant.Standard,
        ["tiny_imagenet"] = ModelVariant.TinyImageNet,
    };

    public Option<int?> NumClasses { get; } = new("--num-classes")
    {
        Description = "Classifier outputs (default: the benchmark's own: 100 CIFAR, 200 Tiny-ImageNet variant, 1000 ImageNet)",
    };

    public Option<int> InChannels { get; } = new("--in-channels")
    {
        Description = "Input image channels (3, or 1 for Fashion-MNIST)",
        DefaultValueFactory = _ => 3,
    };

    public Option<string> Variant { get; } = new("--variant")
    {
        Description = "Classifier pooling: standard (the reference definition at its native resolution) or tiny_imagenet (global pooling, any input size)",
        DefaultValueFactory = _ => "standard",
    };

    public ModelOptionArguments()
    {
        NumClasses.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--num-classes must be at least 1");
        });
        InChannels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--in-channels must be at least 1");
        });
        Variant.AcceptOnlyFromAmong(Variants.Keys.ToArray());
    }

    public void AddTo(Command command)
    {
        command.Options.Add(NumClasses);
        command.Options.Add(InChannels);
        command.Options.Add(Variant);
    }

    public ModelOptions Resolve(ParseResult parseResult) =>
        new(parseResult.GetValue(NumClasses), parseResult.GetValue(InChannels), Variants[parseResult.GetValue(Variant)!]);

    /// <summary>The --variant spelling of <paramref name="variant"/>.</summary>
    public static string NameOf(ModelVariant variant) => Variants.First(v => v.Value == variant).Key;
}
