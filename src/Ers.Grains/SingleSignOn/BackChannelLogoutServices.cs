using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ers.Grains.SingleSignOn;

public static class BackChannelLogoutServices
{
    /// <summary>The silo's back-channel logout: its settings (checked at start), token signer and HTTP sender.</summary>
    public static IServiceCollection AddErsBackChannelLogout(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackChannelLogoutOptions>()
            .Bind(configuration.GetSection(BackChannelLogoutOptions.Section))
            .Configure(o => o.SigningKeyFiles = configuration.GetSection(BackChannelLogoutOptions.SigningKeyFilesKey).Get<List<string>>() ?? [])
            .Validate(o => !o.Validate().Any(), $"Invalid {BackChannelLogoutOptions.Section} settings (or {BackChannelLogoutOptions.SigningKeyFilesKey})")
            .ValidateOnStart();
        services.TryAddSingleton<LogoutTokens>();
        services.TryAddSingleton<LogoutSender>();
        return services;
    }
}
