using System.CommandLine;
using System.Runtime.InteropServices;
using SharpDistill.Distributed;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `launch`: runs a command (e.g. `distill ...`) as a data-parallel job of several local worker
/// processes, like torchrun (docs/distributed.md).
/// </summary>
public static class LaunchCommand
{
    public static Command Create()
    {
        var perNode = new Option<int>("--nproc-per-node") { Description = "Worker processes on this machine", Required = true };
        var nodes = new Option<int>("--nnodes") { Description = "Machines in the job (default 1)", DefaultValueFactory = _ => 1 };
        var nodeRank = new Option<int>("--node-rank") { Description = "This machine's index, 0 to nnodes - 1 (default 0)", DefaultValueFactory = _ => 0 };
        var address = new Option<string>("--master-addr")
        {
            Description = "Address of node 0, where rank 0 hosts the rendezvous store (default 127.0.0.1)", DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int?>("--master-port")
        {
            Description = "TCP port of the rendezvous store on node 0 (default: a free port on one machine; 29500 across machines)",
        };
        var command = new Argument<string[]>("command")
        {
            Description = "The command every worker runs, after `--`: e.g. -- distill --config my.yaml", Arity = ArgumentArity.OneOrMore,
        };
        var launch = new Command("launch", "Run a command (e.g. distill) data-parallel in several processes, on this machine or several (torchrun's variables)");
        launch.Options.Add(perNode);
        launch.Options.Add(nodes);
        launch.Options.Add(nodeRank);
        launch.Options.Add(address);
        launch.Options.Add(port);
        launch.Arguments.Add(command);
        launch.SetAction(result => CliErrors.Run(result, () =>
        {
            var n = result.GetValue(nodes);
            var plan = LaunchPlan.Create(result.GetValue(perNode), n, result.GetValue(nodeRank), result.GetValue(address)!,
                result.GetValue(port) ?? (n == 1 ? ProcessGroup.FreeLocalPort() : 29500), MachineThreads());
            var workerCommand = result.GetValue(command)!;
            if (workerCommand.Length == 0 || workerCommand[0] == "launch") throw new ArgumentException("launch needs the command its workers run after `--`, e.g. -- distill");
            return Run(plan, workerCommand, result.InvocationConfiguration.Error);
        }));
        return launch;
    }

    private static int Run(LaunchPlan plan, IReadOnlyList<string> workerCommand, TextWriter error)
    {
        using var workers = new WorkerGroup(error);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            workers.Signal(terminate: false);
        });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            workers.Signal(terminate: true);
        });
        error.WriteLine($"launch: ranks {plan.NodeRank * plan.ProcessesPerNode}..{(plan.NodeRank + 1) * plan.ProcessesPerNode - 1} of {plan.WorldSize} " +
                        $"on this machine, {plan.ThreadsPerWorker} thread(s) each, rendezvous at {plan.MasterAddress}:{plan.MasterPort}");
        workers.Start(plan, workerCommand);
        return workers.WaitAll();
    }

    /// <summary>The threads to share out: SHARPDISTILL_THREADS when set (the launcher's own budget), else one per core.</summary>
    private static int MachineThreads()
    {
        var requested = Environment.GetEnvironmentVariable("SHARPDISTILL_THREADS");
        if (string.IsNullOrWhiteSpace(requested)) return Environment.ProcessorCount;
        return int.TryParse(requested.Trim(), out var n) && n is >= 1 and <= 1024
            ? n
            : throw new ArgumentException($"SHARPDISTILL_THREADS is '{requested}': expected a whole number of threads from 1 to 1024 (unset it for one per core)");
    }

}
