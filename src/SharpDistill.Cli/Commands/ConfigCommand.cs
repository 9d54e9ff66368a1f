using System.CommandLine;
using SharpDistill.Config;

namespace SharpDistill.Cli.Commands;

/// <summary>`config`: prints the resolved config (defaults + YAML + --set) with every key, as a run would save it.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var command = new Command("config", "Print the resolved configuration: every key with its value after the YAML files and --set overrides");
        options.AddTo(command);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            var config = options.Resolve(result);
            result.InvocationConfiguration.Output.Write(ConfigWriter.ToYaml(config));
            result.InvocationConfiguration.Output.WriteLine($"# hash {ConfigWriter.Hash(config)}");
            return CliErrors.Ok;
        }));
        return command;
    }
}
