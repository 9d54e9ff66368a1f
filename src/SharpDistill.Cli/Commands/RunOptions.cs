using System.CommandLine;
using SharpDistill.Config;

namespace SharpDistill.Cli.Commands;

/// <summary>The options every run-building verb shares: YAML configs and --set overrides.</summary>
public sealed class RunOptions
{
    public Option<string[]> Config { get; } = new("--config", "-c")
    {
        Description = "YAML file(s) of overrides, applied in order (e.g. configs/cifar100/crld/res32x4_res8x4.yaml)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> Set { get; } = new("--set", "-s")
    {
        Description = "Override one key, e.g. --set solver.epochs=10 (repeatable; applied after the YAML files)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
    }

    /// <summary>Defaults, then the YAML files, then <paramref name="first"/> (the verb's own settings), then --set.</summary>
    public RunConfig Resolve(ParseResult result, IEnumerable<string>? first = null) =>
        RunConfig.Load(result.GetValue(Config) ?? Array.Empty<string>(),
            (first ?? Array.Empty<string>()).Concat(result.GetValue(Set) ?? Array.Empty<string>()));
}
