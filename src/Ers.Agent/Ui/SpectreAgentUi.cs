using Ers.Agent.Journey;
using Ers.Api;
using Spectre.Console;

namespace Ers.Agent.Ui;

/// <summary>
/// The terminal UI. The passcode is read key by key into a char array (Spectre's secret prompt returns a string,
/// which could not be wiped). One prompt at a time, even with two readers.
/// </summary>
public sealed class SpectreAgentUi(IAnsiConsole console) : IAgentUi, IDisposable
{
    private const int MaxRolesWithoutSearch = 5;
    private readonly SemaphoreSlim _prompt = new(1, 1);

    public void Show(AgentNotice notice)
    {
        var colour = notice.Level switch
        {
            NoticeLevel.Error => "red",
            NoticeLevel.Warning => "yellow",
            _ when notice.State == JourneyState.Active => "green",
            _ => "default",
        };
        var prefix = notice.Reader.Length == 0 ? "" : $"[grey]{Markup.Escape(notice.Reader)}[/] ";
        console.MarkupLine($"{prefix}[{colour}]{Markup.Escape(notice.Message)}[/]");
    }

    public async Task<char[]> AskPinAsync(string reader, int triesLeft, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        var buffer = new char[16];
        var length = 0;
        try
        {
            console.Markup($"[grey]{Markup.Escape(reader)}[/] Passcode ([bold]{triesLeft}[/] tries left): ");
            while (true)
            {
                var key = await ReadKeyAsync(cancellationToken);
                if (key.Key == ConsoleKey.Enter)
                {
                    console.WriteLine();
                    return buffer[..length];
                }
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        buffer[--length] = '\0';
                        console.Write("\b \b");
                    }
                    continue;
                }
                if (!char.IsControl(key.KeyChar) && length < buffer.Length)
                {
                    buffer[length++] = key.KeyChar;
                    console.Write("*");
                }
            }
        }
        catch (OperationCanceledException)
        {
            console.WriteLine();
            throw;
        }
        finally
        {
            Array.Clear(buffer);
            _prompt.Release();
        }
    }

    public async Task<RoleProfileDto> ChooseRoleAsync(string reader, string userName, IReadOnlyList<RoleProfileDto> roles, CancellationToken cancellationToken)
    {
        await _prompt.WaitAsync(cancellationToken);
        try
        {
            var prompt = new SelectionPrompt<RoleProfileDto>()
                .Title($"[grey]{Markup.Escape(reader)}[/] {Markup.Escape(userName)}, choose your role:")
                .UseConverter(r => Markup.Escape(LineAgentUi.Describe(r)))
                .AddChoices(roles);
            if (roles.Count > MaxRolesWithoutSearch)
            {
                prompt.EnableSearch();
                prompt.SearchPlaceholderText = "(type to filter)";
            }
            return await prompt.ShowAsync(console, cancellationToken);
        }
        finally
        {
            _prompt.Release();
        }
    }

    private static async Task<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken)
    {
        // Console.ReadKey cannot be cancelled; polling lets a card removal abandon the prompt at once.
        while (!Console.KeyAvailable)
        {
            await Task.Delay(20, cancellationToken);
        }
        return Console.ReadKey(intercept: true);
    }

    public void Dispose() => _prompt.Dispose();
}
