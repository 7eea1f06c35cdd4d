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
            // A silo co-hosted by an Ers.Web whose provider is turned off (Ers:Oidc:Enabled=false) has no application
            // to tell, and its key paths may not exist where it runs: no keys then. A silo of its own leaves the
            // setting unset and signs with the keys it is given.
            .Configure(o => o.SigningKeyFiles = configuration.GetValue<bool?>(BackChannelLogoutOptions.ProviderEnabledKey) == false
                ? []
                : configuration.GetSection(BackChannelLogoutOptions.SigningKeyFilesKey).Get<List<string>>() ?? [])
            .Validate(o => !o.Validate().Any(), $"Invalid {BackChannelLogoutOptions.Section} settings (or {BackChannelLogoutOptions.SigningKeyFilesKey})")
            .ValidateOnStart();
        services.TryAddSingleton<LogoutTokens>();
        services.TryAddSingleton<LogoutSender>();
        return services;
    }
}
