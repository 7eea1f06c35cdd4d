using System.Diagnostics;
using System.Text;
using Ers.Agent.Journey;
using Ers.Agent.Piv;

namespace Ers.Agent.Ui.Desktop;

/// <summary>
/// Asks for the passcode in the desktop's own PIN dialog, <c>pinentry</c> (pinentry-gtk2, -gnome3, -qt), speaking
/// the Assuan protocol over its stdin/stdout: OPTION, SETTITLE, SETDESC, SETPROMPT, SETERROR, GETPIN, BYE. One
/// pinentry process per question. The answer (<c>D</c> line) is read byte by byte into a byte buffer, its
/// <c>%XX</c> escapes decoded in place, and turned into the returned <c>char[]</c>; every buffer is zeroed, the
/// passcode never becomes a string and is never logged. A passcode that is not 6-8 digits is asked again in the same
/// dialog, so the card never sees it.
/// </summary>
public sealed class PinentryClient(string program, IReadOnlyDictionary<string, string>? environment = null)
{
    private const int MaxLine = 1002; // Assuan lines are at most 1000 bytes plus CR LF
    private const string Title = "Ers smartcard";
    private const string CancelledCode = "83886179";

    /// <summary>A PIV card's usual PIN tries: fewer left means a wrong passcode was entered before.</summary>
    private const int UsualMaxTries = 3;

    /// <summary>Raised with the pinentry process id once its dialog was asked for (tests find the window by it).</summary>
    public event Action<int>? DialogRequested;

    /// <summary>
    /// Asks for the passcode. Throws <see cref="PasscodeCancelledException"/> when the user cancels the dialog, and
    /// <see cref="OperationCanceledException"/> (closing the dialog) when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PinentryException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new PinentryException($"{program} could not be started ({ex.Message}). Install pinentry-gtk2, pinentry-gnome3 or pinentry-qt.");
        }
        using var _ = process;
        // pinentry's stderr is kept (bounded) to explain a dialog that never came (no display, a broken install, a
        // keyboard grab refused). Until the first GETPIN every line; from GETPIN on only GLib's own diagnostics,
        // which start with "(program:pid)": anything else could echo input on some builds.
        var stderr = new StringBuilder();
        var beforeGetPin = true;
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (e.Data is { } text && (beforeGetPin || IsGLibDiagnostic(text)) && stderr.Length < 2000)
                {
                    stderr.Append(text).Append(' ');
                }
            }
        };
        process.BeginErrorReadLine();
        await using var registration = cancellationToken.Register(() => Kill(process));
        var line = new byte[MaxLine];
        try
        {
            var output = process.StandardOutput.BaseStream;
            var input = process.StandardInput.BaseStream;
            await ExpectOkAsync(output, line, "greeting", cancellationToken);
            await CommandAsync(input, output, line, "SETTITLE " + Title, cancellationToken);
            await CommandAsync(input, output, line, "SETDESC " + $"Enter the passcode of the smartcard in {reader}.", cancellationToken);
            await CommandAsync(input, output, line, "SETPROMPT Passcode:", cancellationToken);
            await CommandAsync(input, output, line, "OPTION default-ok=Log in", cancellationToken, optional: true);
            if (triesLeft < UsualMaxTries)
            {
                await CommandAsync(input, output, line, "SETERROR " + AgentMessages.WrongPin(triesLeft), cancellationToken);
            }
            while (true)
            {
                lock (stderr)
                {
                    beforeGetPin = false;
                    stderr.Clear();
                }
                DialogRequested?.Invoke(process.Id);
                var pin = await GetPinAsync(input, output, line, cancellationToken);
                if (PivPin.IsWellFormed(pin))
                {
                    await SendAsync(input, "BYE", cancellationToken);
                    return pin;
                }
                Array.Clear(pin);
                await CommandAsync(input, output, line, "SETERROR " + AgentMessages.PinShape, cancellationToken);
            }
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (PinentryException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex) when (ex is PinentryException or IOException)
        {
            // The dialog never came or failed: say what pinentry said. Its stderr is complete once it has exited.
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                // Still running: what it printed so far.
            }
            string said;
            lock (stderr)
            {
                said = stderr.Length > 0 ? stderr.ToString().Trim() : "nothing";
            }
            throw new PinentryException($"{(ex is PinentryException ? ex.Message : "pinentry's pipe broke: " + ex.Message)} {program} said on stderr: {said}");
        }
        finally
        {
            Array.Clear(line);
            Kill(process);
        }
    }

    private static async Task<char[]> GetPinAsync(Stream input, Stream output, byte[] line, CancellationToken cancellationToken)
    {
        await SendAsync(input, "GETPIN", cancellationToken);
        var pin = new byte[MaxLine];
        var pinLength = 0;
        try
        {
            while (true)
            {
                var length = await ReadLineAsync(output, line, cancellationToken);
                if (StartsWith(line, length, "D "))
                {
                    // Decode %XX in place, straight into the PIN buffer: no string ever holds it.
                    for (var i = 2; i < length; i++)
                    {
                        var b = line[i];
                        if (b == (byte)'%' && i + 2 < length && Hex(line[i + 1]) is var hi and >= 0 && Hex(line[i + 2]) is var lo and >= 0)
                        {
                            b = (byte)((hi << 4) | lo);
                            i += 2;
                        }
                        if (pinLength < pin.Length)
                        {
                            pin[pinLength++] = b;
                        }
                    }
                    Array.Clear(line, 0, length);
                }
                else if (StartsWith(line, length, "OK"))
                {
                    var chars = new char[Encoding.UTF8.GetCharCount(pin, 0, pinLength)];
                    Encoding.UTF8.GetChars(pin, 0, pinLength, chars, 0);
                    return chars;
                }
                else if (StartsWith(line, length, "ERR"))
                {
                    // 83886179 = GPG_ERR_CANCELED (user pressed Cancel or closed the dialog). Any other code is
                    // pinentry failing (no keyboard grab, no display): say which, the ERR line never holds input.
                    if (StartsWith(line, length, "ERR " + CancelledCode))
                    {
                        throw new PasscodeCancelledException();
                    }
                    throw new PinentryException("pinentry answered GETPIN with " + Encoding.ASCII.GetString(line, 0, length));
                }
                else if (StartsWith(line, length, "INQUIRE"))
                {
                    await SendAsync(input, "CAN", cancellationToken);
                }
                // "S ..." status and "#" comment lines carry nothing we need.
            }
        }
        finally
        {
            Array.Clear(pin);
        }
    }

    private static async Task CommandAsync(Stream input, Stream output, byte[] line, string command, CancellationToken cancellationToken, bool optional = false)
    {
        await SendAsync(input, command, cancellationToken);
        await ExpectOkAsync(output, line, command.Split(' ')[0], cancellationToken, optional);
    }

    private static async Task ExpectOkAsync(Stream output, byte[] line, string what, CancellationToken cancellationToken, bool optional = false)
    {
        while (true)
        {
            var length = await ReadLineAsync(output, line, cancellationToken);
            if (StartsWith(line, length, "OK"))
            {
                return;
            }
            if (StartsWith(line, length, "ERR"))
            {
                if (optional)
                {
                    return;
                }
                throw new PinentryException($"pinentry refused {what}: {Encoding.ASCII.GetString(line, 0, length)}");
            }
        }
    }

    /// <summary>Sends one command, escaping %, CR and LF as Assuan requires (the texts are ours, never the PIN).</summary>
    private static async Task SendAsync(Stream input, string command, CancellationToken cancellationToken)
    {
        var escaped = command.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
        await input.WriteAsync(Encoding.UTF8.GetBytes(escaped + "\n"), cancellationToken);
        await input.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one line (without LF) into <paramref name="line"/>; returns its length.</summary>
    private static async Task<int> ReadLineAsync(Stream output, byte[] line, CancellationToken cancellationToken)
    {
        var length = 0;
        var one = new byte[1];
        while (true)
        {
            if (await output.ReadAsync(one, cancellationToken) == 0)
            {
                throw new PinentryException("pinentry ended without an answer.");
            }
            if (one[0] == (byte)'\n')
            {
                one[0] = 0;
                return length > 0 && line[length - 1] == (byte)'\r' ? length - 1 : length;
            }
            if (length >= line.Length)
            {
                one[0] = 0;
                throw new PinentryException("pinentry sent a line longer than Assuan allows.");
            }
            line[length++] = one[0];
        }
    }

    private static bool StartsWith(byte[] line, int length, string prefix) =>
        length >= prefix.Length && line.AsSpan(0, prefix.Length).SequenceEqual(Encoding.ASCII.GetBytes(prefix))
        && (length == prefix.Length || prefix.EndsWith(' ') || line[prefix.Length] == (byte)' ');

    private static bool IsGLibDiagnostic(string text) =>
        text.StartsWith("(pinentry", StringComparison.Ordinal) || text.StartsWith("** (pinentry", StringComparison.Ordinal);

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => -1,
    };

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
