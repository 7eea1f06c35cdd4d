using System.Diagnostics;
using System.Text;

namespace Ers.EndToEnd.Quickstart;

/// <summary>
/// A program the quickstart runs (Ers.Web, the agent, the virtual card, <c>ers</c>), started as its own process with
/// its output captured line by line, so a test can wait for what it prints and feed it lines as a user would type.
/// Disposing kills it with its children.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<TaskCompletionSource> _waiters = [];

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet DLL ARGS</c> in <paramref name="workingDirectory"/> with <paramref name="environment"/> added.</summary>
    public static ChildProcess StartDotnet(string name, string dll, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        Start(name, "dotnet", workingDirectory, [dll, .. args], environment);

    public static ChildProcess Start(string name, string fileName, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Exited += (_, _) => child.Append(null);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the output contains a line for which <paramref name="match"/> is true; returns that line.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            TaskCompletionSource changed;
            lock (_output)
            {
                var line = _output.ToString().Split('\n').FirstOrDefault(match);
                if (line is not null)
                {
                    return line;
                }

                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing {what}. Output:\n{_output}");
                }

                changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(changed);
            }

            try
            {
                await changed.Task.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not print {what} within {timeout}. Output:\n{Output}");
            }
        }
    }

    /// <summary>Waits for the program to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not end within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        TaskCompletionSource[] waiters;
        lock (_output)
        {
            if (line is not null)
            {
                _output.Append(line).Append('\n');
            }

            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }
}
