namespace Ers.Analyzers.Tests;

public sealed class OptionsValidatedOnStartTests
{
    // Stand-ins with the names the analyzer looks for, so the test compiles without the options packages.
    private const string Options = """
        namespace Microsoft.Extensions.DependencyInjection
        {
            public interface IServiceCollection;
            public sealed class OptionsBuilder<T>
            {
                public OptionsBuilder<T> Bind(object configuration) => this;
                public OptionsBuilder<T> Validate(System.Func<T, bool> rule) => this;
                public OptionsBuilder<T> ValidateOnStart() => this;
            }
            public static class OptionsServiceCollectionExtensions
            {
                public static OptionsBuilder<T> AddOptions<T>(this IServiceCollection services) => new();
                public static IServiceCollection Configure<T>(this IServiceCollection services, System.Action<T> configure) => services;
            }
            public static class OptionsConfigurationServiceCollectionExtensions
            {
                public static IServiceCollection Configure<T>(this IServiceCollection services, object configuration) => services;
            }
        }
        """;

    [Fact]
    public async Task Binding_without_validation_at_start_is_reported()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(new OptionsValidatedOnStartAnalyzer(), [("/repo/Options.cs", Options), ("/repo/Use.cs", """
            using Microsoft.Extensions.DependencyInjection;
            namespace Sample;
            public sealed class Settings { public int Port { get; set; } }
            public static class Wiring
            {
                public static void Add(IServiceCollection services, object section)
                {
                    services.AddOptions<Settings>().Bind(section).Validate(s => s.Port > 0);
                    services.Configure<Settings>(section);
                }
            }
            """)]);

        Assert.Equal(["ERS0002", "ERS0002"], diagnostics.Select(d => d.Id));
        Assert.Contains("never calls ValidateOnStart", diagnostics[0].GetMessage());
        Assert.Contains("Configure<Settings>(configuration)", diagnostics[1].GetMessage());
    }

    [Fact]
    public async Task Bound_and_validated_options_and_options_set_in_code_are_not_reported()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(new OptionsValidatedOnStartAnalyzer(), [("/repo/Options.cs", Options), ("/repo/Use.cs", """
            using Microsoft.Extensions.DependencyInjection;
            namespace Sample;
            public sealed class Settings { public int Port { get; set; } }
            public static class Wiring
            {
                public static void Add(IServiceCollection services, object section)
                {
                    services.AddOptions<Settings>().Bind(section).Validate(s => s.Port > 0).ValidateOnStart();
                    services.Configure<Settings>(s => s.Port = 80);
                    services.AddOptions<Settings>();
                }
            }
            """)]);

        Assert.Empty(diagnostics);
    }
}
