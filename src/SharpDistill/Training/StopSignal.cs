namespace SharpDistill.Training;

/// <summary>
/// Turns Ctrl-C (SIGINT) into a polite request: the trainer finishes the current step, writes
/// the latest checkpoint and returns. A second Ctrl-C while stopping is left to the default
/// handler (immediate exit) so a stuck run can still be killed.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private volatile bool requested;
    private readonly bool hooked;

    public StopSignal(bool hookConsole = true)
    {
        if (!hookConsole) return;
        Console.CancelKeyPress += OnCancel;
        hooked = true;
    }

    public bool IsRequested => requested;

    /// <summary>Requests a stop (what Ctrl-C does; also for tests and embedding applications).</summary>
    public void Request() => requested = true;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (requested) return;
        requested = true;
        e.Cancel = true;
        Console.Error.WriteLine("\nstopping after the current step (Ctrl-C again to abort at once)...");
    }

    public void Dispose()
    {
        if (hooked) Console.CancelKeyPress -= OnCancel;
    }
}
