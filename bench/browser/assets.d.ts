// Vite's `?url` imports (the page's tsconfig has vite/client; the root one checks bench/ without it).
declare module '*?url' {
  const url: string;
  export default url;
}
